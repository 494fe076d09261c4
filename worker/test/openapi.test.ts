import { describe, expect, it } from "vitest";
import { call, signUp } from "./helpers";

describe("OpenAPI and the API reference", () => {
  it("serves openapi.json without auth, listing every route and both auth schemes", async () => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        "POST /api/auth/sign-up/email",
        "POST /api/auth/sign-in/email",
        "POST /api/auth/sign-out",
        "GET /api/auth/get-session",
        "GET /api/me",
        "POST /api/api-keys",
        "GET /api/api-keys",
        "DELETE /api/api-keys/{id}",
        "GET /api/workflows",
        "POST /api/workflows",
        "POST /api/workflows/import",
        "GET /api/workflows/{id}",
        "PUT /api/workflows/{id}",
        "DELETE /api/workflows/{id}",
        "POST /api/workflows/{id}/activate",
        "POST /api/workflows/{id}/deactivate",
        "GET /api/workflows/{id}/export",
        "GET /api/workflows/{id}/versions",
        "POST /api/workflows/{id}/versions/{version}/restore",
        "POST /api/workflows/{id}/duplicate",
        "GET /api/node-types",
      ]),
    );
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      "bearerAuth",
      "cookieAuth",
      "rotationToken",
    ]);
    // The document is generated from the validating schemas: the workflow body names its fields.
    expect(JSON.stringify(doc.paths["/api/workflows"])).toContain("WorkflowDocument");
  });

  it("serves an interactive reference that needs nothing from the internet", async () => {
    const page = await call("/api/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("/api/openapi.json");
    expect(html).not.toMatch(/https?:\/\//);
    const js = await call("/api/docs/swagger-ui-bundle.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    // The whole file as text (≈1.7 MB), not a bundled JS module's function source.
    const jsText = await js.text();
    expect(jsText).toContain("SwaggerUIBundle");
    expect(jsText.length).toBeGreaterThan(1_000_000);
    const css = await call("/api/docs/swagger-ui.css");
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
    expect((await css.text()).length).toBeGreaterThan(100_000);
  });
});

describe("node types", () => {
  it("lists every registered type with JSON Schema parameters, credential and outputs", async () => {
    const user = await signUp();
    const res = await user.fetch("/api/node-types");
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Record<string, any>[] };
    const webhook = items.find((t) => t.type === "webhookTrigger")!;
    expect(webhook).toMatchObject({
      title: "Webhook",
      category: "trigger",
      version: 1,
      credentialType: ["webhookAuth"],
      credentialRequired: false,
      outputs: ["main"],
      trigger: "webhook",
    });
    expect(webhook.parameters).toMatchObject({
      type: "object",
      properties: { method: { enum: expect.arrayContaining(["GET", "POST"]), default: "POST" } },
    });
    const schedule = items.find((t) => t.type === "scheduleTrigger")!;
    expect(schedule.credentialType).toBeUndefined();
    expect(schedule.parameters.required).toEqual(["cron"]);
    expect(items.map((t) => t.type)).toEqual(
      expect.arrayContaining(["manualTrigger", "webhookTrigger", "scheduleTrigger"]),
    );
  });

  it("needs auth", async () => {
    expect((await call("/api/node-types")).status).toBe(401);
  });
});
