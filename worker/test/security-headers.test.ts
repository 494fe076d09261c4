/**
 * Issue 13, low-severity findings: security headers on every answer (API, errors, webhooks, the SPA's
 * static files), no session token readable by page scripts, and one Stripe dedupe for both URLs.
 */
import { describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "../src/http/security-headers";
import { hmacSha256Hex } from "../src/triggers/signatures";
import { call, signUp } from "./helpers";
import { createCredential, createWorkflow, webhookIdOf } from "./trigger-scenarios";

function expectSecurityHeaders(res: Response, what: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(res.headers.get(name), `${what}: ${name}`).toBe(value);
  }
  expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
}

describe("security headers", () => {
  it("are on API answers, errors, webhook answers, the API reference and the SPA's files", async () => {
    const user = await signUp();
    expectSecurityHeaders(await user.fetch("/api/workflows"), "a list");
    expectSecurityHeaders(await call("/api/workflows"), "a 401");
    expectSecurityHeaders(await call("/api/nope"), "a 404");
    expectSecurityHeaders(await call("/webhooks/unknown", { method: "POST" }), "a webhook 404");
    expectSecurityHeaders(await call("/api/openapi.json"), "the OpenAPI document");
    const docs = await call("/api/docs");
    expectSecurityHeaders(docs, "the API reference");
    // The CSP allows no inline script, so the reference has none.
    expect(await docs.text()).not.toMatch(/<script>(?!<\/script>)/);
    expect((await call("/api/docs/init.js")).status).toBe(200);
    // The SPA's files bypass the Worker (assets binding): web/public/_headers gives them the same
    // headers; web/test/security-headers.test.ts checks them on `wrangler dev` with a browser.
  });
});

describe("the session token", () => {
  it("is only in the HttpOnly cookie, never in a JSON body page scripts can read", async () => {
    const email = `tok-${crypto.randomUUID()}@example.test`;
    const signUpRes = await call("/api/auth/sign-up/email", {
      method: "POST",
      json: { email, password: "a-long-password", name: "T" },
    });
    expect(signUpRes.status).toBe(200);
    const cookie = signUpRes.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    const token = decodeURIComponent(cookie.split(";")[0].split("=")[1]).split(".")[0];
    expect(token.length).toBeGreaterThan(10);
    const signIn = await call("/api/auth/sign-in/email", {
      method: "POST",
      json: { email, password: "a-long-password" },
    });
    const headers = { cookie: cookie.split(";")[0] };
    const session = await call("/api/auth/get-session", { headers });
    expect(session.status).toBe(200);
    const sessionBody = await session.json<{ session: Record<string, unknown>; user: { email: string } }>();
    expect(sessionBody.user.email).toBe(email);
    expect(sessionBody.session.id).toBeTypeOf("string");
    expect(sessionBody.session).not.toHaveProperty("token");
    const sessions = await call("/api/auth/list-sessions", { headers });
    for (const text of [
      await signUpRes.clone().text(),
      await signIn.text(),
      JSON.stringify(sessionBody),
      await sessions.text(),
    ]) {
      expect(text).not.toContain(token);
    }
  });
});

describe("Stripe dedupe", () => {
  it("an event that ran on the test URL starts nothing on the live URL, and the other way round", async () => {
    const user = await signUp();
    const signingSecret = `whsec_${crypto.randomUUID()}`;
    const credentialId = await createCredential(user, "stripeWebhook", { signingSecret });
    const wf = await createWorkflow(user, [
      { id: "stripe", type: "stripeTrigger", name: "Stripe", parameters: { events: [] }, credentialId },
    ]);
    const hook = webhookIdOf(wf, "stripe");
    const deliver = async (prefix: string, id: string) => {
      const body = JSON.stringify({ id, type: "invoice.paid", data: { object: {} } });
      const t = Math.floor(Date.now() / 1000);
      const signature = await hmacSha256Hex(signingSecret, `${t}.${body}`);
      const res = await call(`${prefix}/${hook}`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${signature}` },
        body,
      });
      return { status: res.status, body: await res.json<Record<string, unknown>>() };
    };
    const first = `evt_${crypto.randomUUID()}`;
    expect((await deliver("/webhooks-test", first)).status).toBe(202);
    expect(await deliver("/webhooks", first)).toEqual({
      status: 200,
      body: { received: true, started: false, reason: "event already received" },
    });
    const second = `evt_${crypto.randomUUID()}`;
    expect((await deliver("/webhooks", second)).status).toBe(202);
    expect((await deliver("/webhooks-test", second)).body).toMatchObject({ started: false });
  });
});

describe("timestamped HMAC on webhookTrigger", () => {
  it("accepts a signature over <timestamp>.<body> once, refuses a replay, a stale timestamp and a bare-body MAC with a timestamp", async () => {
    const user = await signUp();
    const hmacSecret = `hmac-${crypto.randomUUID()}`;
    const credentialId = await createCredential(user, "webhookAuth", { hmacSecret });
    const wf = await createWorkflow(user, [
      {
        id: "hook",
        type: "webhookTrigger",
        name: "Webhook",
        parameters: { method: "POST", respond: "immediately", authentication: "credential" },
        credentialId,
      },
    ]);
    const url = `/webhooks/${webhookIdOf(wf, "hook")}`;
    const body = '{"n":1}';
    const send = (headers: Record<string, string>) =>
      call(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const now = Math.floor(Date.now() / 1000);
    const signed = async (t: number) => ({
      "x-nodebase-timestamp": String(t),
      "x-nodebase-signature": `sha256=${await hmacSha256Hex(hmacSecret, `${t}.${body}`)}`,
    });
    const fresh = await signed(now);
    expect((await send(fresh)).status).toBe(202);
    const replay = await send(fresh);
    expect(replay.status).toBe(409);
    expect((await replay.json<{ error: { code: string } }>()).error.code).toBe("replayed_request");
    const stale = await send(await signed(now - 301));
    expect(stale.status).toBe(401);
    expect(await stale.text()).toContain("300 s");
    const bodyOnly = `sha256=${await hmacSha256Hex(hmacSecret, body)}`;
    expect(
      (await send({ "x-nodebase-timestamp": String(now), "x-nodebase-signature": bodyOnly })).status,
    ).toBe(401);
    // Without a timestamp the body-only signature still works (existing senders keep working).
    expect((await send({ "x-nodebase-signature": bodyOnly })).status).toBe(202);
  });
});
