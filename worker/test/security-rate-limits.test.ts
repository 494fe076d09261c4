/**
 * Issue 13, rate limits: sign-in, sign-up and API-key creation per IP and per account, run starts and
 * webhook intake per user. Over a limit the answer is 429 `rate_limited` with `Retry-After`, and the
 * work behind the route (password check, run, body parsing) does not happen.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IN_FLIGHT_LIMITS } from "../src/http/in-flight";
import { RATE_LIMIT_RULES } from "../src/http/rate-limit";
import { getDb } from "../src/storage/db";
import { countHit } from "../src/storage/rate-limits";
import { createWorkflow, doc } from "./api-helpers-engine";
import { call, signUp } from "./helpers";
import { createWorkflow as createTriggerWorkflow, webhookIdOf } from "./trigger-scenarios";

const fromIp = (ip: string, json: unknown) => ({
  method: "POST",
  headers: { "cf-connecting-ip": ip },
  json,
});

async function expectLimited(res: Response, rule: string) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  const body = await res.json<{
    error: { code: string; details: { rule: string; retryAfterSeconds: number } };
  }>();
  expect(body.error.code).toBe("rate_limited");
  expect(body.error.details).toEqual({ rule, retryAfterSeconds: retryAfter });
}

/** Fills a limiter window up to its limit, as that many earlier requests would have. */
async function fill(key: string, rule: { limit: number; windowSeconds: number }) {
  for (let i = 0; i < rule.limit; i++) await countHit(getDb(env.DB), key, rule.windowSeconds * 1000);
}

/** A user with an active webhook → (nothing) workflow answering at once, and its live URL. */
async function webhookWorkflow() {
  const user = await signUp();
  const wf = await createTriggerWorkflow(user, [
    {
      id: "hook",
      type: "webhookTrigger",
      name: "Webhook",
      parameters: { method: "POST", respond: "immediately" },
    },
  ]);
  return { user, wf, url: `/webhooks/${webhookIdOf(wf, "hook")}` };
}

describe("rate limits", { timeout: 60_000 }, () => {
  it("sign-in: the 11th attempt on one account within a minute is refused, from any address", async () => {
    const user = await signUp();
    const { limit } = RATE_LIMIT_RULES.signInAccount;
    for (let i = 0; i < limit; i++) {
      const res = await call(
        "/api/auth/sign-in/email",
        fromIp(`10.0.0.${i}`, { email: user.email, password: "wrong-password" }),
      );
      expect(res.status).toBe(401);
    }
    const right = await call(
      "/api/auth/sign-in/email",
      fromIp("10.0.1.1", { email: user.email.toUpperCase(), password: user.password }),
    );
    await expectLimited(right, "signInAccount");
  });

  it("sign-in: one address guessing many accounts is refused after 30 attempts", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const { limit } = RATE_LIMIT_RULES.signInIp;
    for (let i = 0; i < limit; i++) {
      const res = await call(
        "/api/auth/sign-in/email",
        fromIp(ip, { email: `nobody${i}-${crypto.randomUUID()}@example.test`, password: "x-password" }),
      );
      expect(res.status).toBe(401);
    }
    await expectLimited(
      await call(
        "/api/auth/sign-in/email",
        fromIp(ip, { email: "another@example.test", password: "x-password" }),
      ),
      "signInIp",
    );
    // Another address is not affected.
    const other = await call(
      "/api/auth/sign-in/email",
      fromIp("198.51.100.7", { email: "another@example.test", password: "x-password" }),
    );
    expect(other.status).toBe(401);
  });

  it("sign-up: one address creating accounts is refused after 20, and no account is created", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    await fill(`signUpIp:${ip}`, RATE_LIMIT_RULES.signUpIp);
    const email = `late-${crypto.randomUUID()}@example.test`;
    await expectLimited(
      await call("/api/auth/sign-up/email", fromIp(ip, { email, password: "a-long-password", name: "Late" })),
      "signUpIp",
    );
    const signIn = await call(
      "/api/auth/sign-in/email",
      fromIp("198.51.100.8", { email, password: "a-long-password" }),
    );
    expect(signIn.status).toBe(401);
  });

  it("API keys: one user creating keys is refused after 20 in 10 minutes", async () => {
    const user = await signUp(); // signUp created one key already
    for (let i = 1; i < RATE_LIMIT_RULES.apiKeyUser.limit; i++) {
      expect((await user.fetch("/api/api-keys", { method: "POST", json: { name: `k${i}` } })).status).toBe(
        201,
      );
    }
    await expectLimited(
      await user.fetch("/api/api-keys", { method: "POST", json: { name: "one more" } }),
      "apiKeyUser",
    );
    const keys = await (await user.fetch("/api/api-keys")).json<{ items: unknown[] }>();
    expect(keys.items).toHaveLength(RATE_LIMIT_RULES.apiKeyUser.limit);
  });

  it("run starts: a user over the limit gets 429 and no execution; another user still runs", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(
      user,
      doc("Run", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
    );
    await fill(`runStart:${user.userId}`, RATE_LIMIT_RULES.runStart);
    await expectLimited(await user.fetch(`/api/workflows/${workflowId}/run`, { method: "POST" }), "runStart");
    const list = await (
      await user.fetch(`/api/executions?workflowId=${workflowId}`)
    ).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(0);
    const other = await signUp();
    const otherWorkflow = await createWorkflow(
      other,
      doc("Run", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
    );
    expect((await other.fetch(`/api/workflows/${otherWorkflow}/run`, { method: "POST" })).status).toBe(201);
  });

  it("webhook intake: calls to one user's webhooks over the limit get 429 and start nothing", async () => {
    const { user, wf, url } = await webhookWorkflow();
    expect((await call(url, { method: "POST", json: { n: 1 } })).status).toBe(202);
    await fill(`webhookIntake:${user.userId}`, RATE_LIMIT_RULES.webhookIntake);
    await expectLimited(await call(url, { method: "POST", json: { n: 2 } }), "webhookIntake");
    await expectLimited(
      await call(`/webhooks-test/${webhookIdOf(wf, "hook")}`, { method: "POST", json: {} }),
      "webhookIntake",
    );
    const list = await (await user.fetch(`/api/executions?workflowId=${wf.id}`)).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(1);
  });

  it("webhook intake counts in the lookup's batch: only calls that could start a run count", async () => {
    const user = await signUp();
    const wf = await createTriggerWorkflow(
      user,
      [
        {
          id: "hook",
          type: "webhookTrigger",
          name: "Webhook",
          parameters: { method: "POST", respond: "immediately" },
        },
      ],
      { active: false },
    );
    const id = webhookIdOf(wf, "hook");
    const counted = async () => {
      const row = await env.DB.prepare("SELECT count FROM rate_limit WHERE key = ?")
        .bind(`webhookIntake:${user.userId}`)
        .first<{ count: number }>();
      return row?.count ?? 0;
    };
    // The live URL of an inactive workflow answers 404 without counting, like an unknown id.
    expect((await call(`/webhooks/${id}`, { method: "POST", json: {} })).status).toBe(404);
    expect((await call(`/webhooks/no-such-id`, { method: "POST", json: {} })).status).toBe(404);
    expect(await counted()).toBe(0);
    // Its test URL runs the draft, and counts: once per call.
    expect((await call(`/webhooks-test/${id}`, { method: "POST", json: {} })).status).toBe(202);
    expect((await call(`/webhooks-test/${id}`, { method: "POST", json: {} })).status).toBe(202);
    expect(await counted()).toBe(2);
  });

  it("run starts: a burst beyond the in-flight bound is answered 429 at once, and its slots come back", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(
      user,
      doc("Burst", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
    );
    // As many as one credential may have in flight, twice the run-start bound.
    const burst = IN_FLIGHT_LIMITS.apiRequestInFlight;
    expect(burst).toBeGreaterThan(IN_FLIGHT_LIMITS.runStartInFlight);
    const answers = await Promise.all(
      Array.from({ length: burst }, () => user.fetch(`/api/workflows/${workflowId}/run`, { method: "POST" })),
    );
    const refused = answers.filter((res) => res.status === 429);
    const started = answers.filter((res) => res.status === 201);
    expect(refused.length).toBeGreaterThan(0);
    expect(started.length).toBeGreaterThanOrEqual(IN_FLIGHT_LIMITS.runStartInFlight);
    expect(refused.length + started.length).toBe(burst);
    for (const res of refused) await expectLimited(res, "runStartInFlight");
    // Every 201 is a run, every 429 started nothing.
    const list = await (
      await user.fetch(`/api/executions?workflowId=${workflowId}&limit=100`)
    ).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(started.length);
    // The burst is over: its slots are free again.
    expect((await user.fetch(`/api/workflows/${workflowId}/run`, { method: "POST" })).status).toBe(201);
  });

  it("webhook intake: a burst beyond the in-flight bound is refused at once and starts nothing for those calls", async () => {
    const { user, wf, url } = await webhookWorkflow();
    const burst = IN_FLIGHT_LIMITS.webhookIntakeInFlight * 2;
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, n) => call(url, { method: "POST", json: { n } })),
    );
    const refused = answers.filter((res) => res.status === 429);
    const accepted = answers.filter((res) => res.status === 202);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length + accepted.length).toBe(burst);
    for (const res of refused) await expectLimited(res, "webhookIntakeInFlight");
    const list = await (
      await user.fetch(`/api/executions?workflowId=${wf.id}&limit=100`)
    ).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(accepted.length);
    expect((await call(url, { method: "POST", json: { n: "after" } })).status).toBe(202);
  });
});
