/**
 * /api/credentials through the HTTP API: secrets are write-only, updates keep secrets that are not sent,
 * delete is refused while a workflow uses the credential, and another user's credential is a 404 everywhere.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../src/storage/db";
import { node, workflow } from "../src/storage/schema";
import { call, signUp, type TestUser } from "./helpers";

const SECRET = "sk-test-0a1b2c3d4e5f-write-only";

async function create(user: TestUser, body: unknown) {
  const res = await user.fetch("/api/credentials", { method: "POST", json: body });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

/** Inserts a workflow with one node using the credential (the workflows API is another area's). */
async function workflowUsing(userId: string, credentialId: string, name = "Uses it") {
  const db = getDb(env.DB);
  const id = crypto.randomUUID();
  await db.insert(workflow).values({ id, userId, name });
  await db.insert(node).values({
    workflowId: id,
    id: "n1",
    type: "httpRequest",
    name: "Call",
    parameters: {},
    credentialId,
  });
  return id;
}

describe("credentials API", () => {
  it("creates, lists and reads a credential without ever returning the secret", async () => {
    const user = await signUp();
    const created = await create(user, { name: "OpenAI", type: "openai", data: { apiKey: SECRET } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "OpenAI", type: "openai", data: {} });
    expect(created.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const responses = [created.text];
    for (const path of [
      "/api/credentials",
      "/api/credentials?type=openai",
      `/api/credentials/${created.body.id}`,
      "/api/credential-types",
    ]) {
      const res = await user.fetch(path);
      expect(res.status).toBe(200);
      responses.push(await res.text());
    }
    const list = JSON.parse(responses[1]);
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    expect(list.nextCursor).toBeNull();
    expect(JSON.parse(responses[2]).items).toHaveLength(1);
    for (const text of responses) expect(text).not.toContain(SECRET);
  });

  it("returns non-secret fields, filters by type and pages newest first", async () => {
    const user = await signUp();
    const basic = await create(user, {
      name: "Basic",
      type: "httpBasicAuth",
      data: { user: "alice", password: "hunter2-secret" },
    });
    expect(basic.body.data).toEqual({ user: "alice" });
    await create(user, { name: "Bearer", type: "httpBearerAuth", data: { token: "tok-123456" } });
    const byType = await (await user.fetch("/api/credentials?type=httpBasicAuth")).json<any>();
    expect(byType.items.map((c: any) => c.name)).toEqual(["Basic"]);
    const first = await (await user.fetch("/api/credentials?limit=1")).json<any>();
    expect(first.items.map((c: any) => c.name)).toEqual(["Bearer"]);
    const second = await (
      await user.fetch(`/api/credentials?limit=1&cursor=${first.nextCursor}`)
    ).json<any>();
    expect(second.items.map((c: any) => c.name)).toEqual(["Basic"]);
  });

  it("refuses data that does not fit the type, naming the field", async () => {
    const user = await signUp();
    const missing = await create(user, { name: "x", type: "httpHeaderAuth", data: { name: "X-Key" } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([expect.objectContaining({ path: ["data", "value"] })]);
    const unknown = await create(user, { name: "x", type: "nope", data: {} });
    expect(unknown.status).toBe(400);
    const extra = await create(user, { name: "x", type: "httpBearerAuth", data: { token: "t-1", other: 1 } });
    expect(extra.status).toBe(400);
    const list = await (await user.fetch("/api/credentials")).json<any>();
    expect(list.items).toEqual([]);
  });

  it("keeps secrets that an update does not send, replaces them when sent", async () => {
    const user = await signUp();
    const { body } = await create(user, {
      name: "Header",
      type: "httpHeaderAuth",
      data: { name: "X-Key", value: "first-secret-value" },
    });
    const renamed = await user.fetch(`/api/credentials/${body.id}`, {
      method: "PATCH",
      json: { name: "Header 2", data: { name: "X-Other", value: "" } },
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "Header 2", data: { name: "X-Other" } });
    const { loadCredentialForStep } = await import("../src/credentials/for-step");
    const load = () =>
      loadCredentialForStep(env, {
        userId: user.userId,
        credentialId: body.id,
        acceptedTypes: ["httpHeaderAuth"],
      });
    expect((await load()).data).toEqual({ name: "X-Other", value: "first-secret-value" });
    const replaced = await user.fetch(`/api/credentials/${body.id}`, {
      method: "PUT",
      json: { data: { value: "second-secret-value" } },
    });
    expect(replaced.status).toBe(200);
    expect(await replaced.text()).not.toContain("second-secret-value");
    expect((await load()).data).toEqual({ name: "X-Other", value: "second-secret-value" });
    const bad = await user.fetch(`/api/credentials/${body.id}`, {
      method: "PATCH",
      json: { data: { name: "" } },
    });
    expect(bad.status).toBe(400);
    expect((await load()).data).toEqual({ name: "X-Other", value: "second-secret-value" });
  });

  it("refuses to delete a credential in use unless forced, then clears it from the nodes", async () => {
    const user = await signUp();
    const { body } = await create(user, {
      name: "Tok",
      type: "httpBearerAuth",
      data: { token: "tok-in-use" },
    });
    const workflowId = await workflowUsing(user.userId, body.id, "Nightly sync");
    const refused = await user.fetch(`/api/credentials/${body.id}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: {
        code: "credential_in_use",
        details: { workflows: [{ id: workflowId, name: "Nightly sync" }] },
      },
    });
    expect((await user.fetch(`/api/credentials/${body.id}`)).status).toBe(200);
    const forced = await user.fetch(`/api/credentials/${body.id}?force=true`, { method: "DELETE" });
    expect(forced.status).toBe(204);
    expect((await user.fetch(`/api/credentials/${body.id}`)).status).toBe(404);
    const [row] = await getDb(env.DB).select().from(node).where(eq(node.workflowId, workflowId));
    expect(row.credentialId).toBeNull();
  });

  it("answers 404 for another user's credential on every route, and changes nothing", async () => {
    const owner = await signUp();
    const other = await signUp();
    const { body } = await create(owner, {
      name: "Mine",
      type: "httpBearerAuth",
      data: { token: "tok-owner" },
    });
    const path = `/api/credentials/${body.id}`;
    const attempts: [string, RequestInit & { json?: unknown }][] = [
      [path, {}],
      [path, { method: "PATCH", json: { name: "stolen" } }],
      [path, { method: "PUT", json: { data: { token: "tok-evil" } } }],
      [path, { method: "DELETE" }],
      [`${path}?force=true`, { method: "DELETE" }],
    ];
    for (const [target, init] of attempts) {
      const res = await other.fetch(target, init);
      expect(res.status).toBe(404);
      expect((await res.json<any>()).error.code).toBe("not_found");
    }
    expect((await (await other.fetch("/api/credentials")).json<any>()).items).toEqual([]);
    const mine = await (await owner.fetch(path)).json<any>();
    expect(mine.name).toBe("Mine");
  });

  it("needs a signed-in user", async () => {
    expect((await call("/api/credentials")).status).toBe(401);
    expect((await call("/api/credential-types")).status).toBe(401);
  });

  it("describes every type with its JSON Schema and secret fields", async () => {
    const user = await signUp();
    const { items } = await (await user.fetch("/api/credential-types")).json<any>();
    const byType = Object.fromEntries(items.map((t: any) => [t.type, t]));
    expect(Object.keys(byType).sort()).toEqual(
      [
        "airtableTokenApi",
        "anthropic",
        "discordWebhook",
        "gemini",
        "githubApi",
        "githubWebhook",
        "googleForm",
        "httpBasicAuth",
        "httpBearerAuth",
        "httpHeaderAuth",
        "notionApi",
        "oauth2",
        "openai",
        "postgres",
        "slackApi",
        "slackWebhook",
        "smtp",
        "stripeWebhook",
        "telegram",
        "webhookAuth",
      ].sort(),
    );
    expect(byType.httpBasicAuth.secretFields).toEqual(["password"]);
    expect(byType.httpBasicAuth.schema.properties.password).toMatchObject({
      type: "string",
      writeOnly: true,
    });
    expect(byType.smtp.secretFields).toEqual(["password"]);
    expect(byType.postgres.schema.properties.password).toMatchObject({ writeOnly: true });
    expect(byType.oauth2).toMatchObject({ oauth2: true, presets: { google: expect.any(Object) } });
  });

  it("documents every credentials and OAuth2 route in openapi.json", async () => {
    const doc = await (
      await call("/api/openapi.json")
    ).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        "GET /api/credential-types",
        "POST /api/credentials",
        "GET /api/credentials",
        "GET /api/credentials/{id}",
        "PUT /api/credentials/{id}",
        "PATCH /api/credentials/{id}",
        "DELETE /api/credentials/{id}",
        "POST /api/admin/credentials/rotate",
        "GET /api/integrations/oauth2/{credentialId}/connect",
        "GET /api/integrations/oauth2/callback",
      ]),
    );
  });
});
