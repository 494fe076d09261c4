/**
 * Issue 13: the SPA's static files carry the security headers (web/public/_headers), and the app and the
 * API reference work under the Content-Security-Policy: no violation while signing up, opening the
 * editor (React Flow) and rendering Swagger UI.
 */
import { expect, it } from "vitest";
import { SECURITY_HEADERS } from "../../worker/src/http/security-headers";
import { apiFetch, signUp } from "./support/accounts";
import { describeBrowser } from "./support/browser";

// Signed out: the test signs up itself, with the console already watched for violations.
describeBrowser("browser: security headers and CSP", null, (b) => {
  const baseUrl = b.baseUrl;

  it("serves the SPA with the headers, and the app and Swagger UI run without a CSP violation", async () => {
    const page = b.page;
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    for (const path of ["/", "/sign-in", "/assets/does-not-exist.js"]) {
      const response = await fetch(`${baseUrl}${path}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(response.headers.get(name), `${path}: ${name}`).toBe(value);
      }
    }
    await signUp(page, baseUrl, "Csp Person");
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", {
      method: "POST",
      body: {
        name: "CSP",
        nodes: [
          { id: "t", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} },
          {
            id: "s",
            type: "set",
            name: "Set",
            position: { x: 240, y: 0 },
            parameters: { fields: { a: "1" } },
          },
        ],
        edges: [{ id: "e", source: "t", target: "s", sourceHandle: "main" }],
      },
    });
    expect(created.status).toBe(201);
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);
    await page.locator(".react-flow__node").first().waitFor();
    await page.goto(`${baseUrl}/api/docs`);
    await page.locator("#swagger-ui .info").waitFor();
    expect(violations).toEqual([]);
  });
});
