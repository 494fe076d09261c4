/**
 * Issue 13: the SPA's static files carry the security headers (web/public/_headers), and the app and the
 * API reference work under the Content-Security-Policy: no violation while signing up, opening the
 * editor (React Flow) and rendering Swagger UI.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SECURITY_HEADERS } from "../../worker/src/http/security-headers";
import { apiFetch, signUp } from "./support/accounts";
import { haveChromium, launchBrowser } from "./support/browser";

describe.skipIf(!haveChromium)("browser: security headers and CSP", () => {
  const baseUrl = inject("baseUrl");
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let page: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("serves the SPA with the headers, and the app and Swagger UI run without a CSP violation", async () => {
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
