/**
 * The Worker's `fetch` sends `/webhooks…` calls to the intake app and everything else to the full app:
 * the split must not change a single answer, which these compare path by path.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp, createFetch, createIntakeApp, goesToIntake } from "./app";

async function answer(res: Response | Promise<Response>) {
  const r = await res;
  return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
}

describe("createFetch", () => {
  const fetchWorker = createFetch();
  const full = createApp();
  const call = (path: string, init: RequestInit = { method: "POST" }) => ({
    split: answer(
      fetchWorker(new Request(`http://example.test${path}`, init), env, createExecutionContext()),
    ),
    full: answer(full.fetch(new Request(`http://example.test${path}`, init), env, createExecutionContext())),
  });

  it.each([
    "/webhooks/not-a-hook",
    "/webhooks-test/not-a-hook",
    "/webhooks/resume/not-a-token",
    "/webhooks",
    "/webhooks-other/x",
    "/webhooks/a/b/c",
  ])("answers %s exactly as the full app does", async (path) => {
    const { split, full: whole } = call(path);
    expect(await split).toEqual(await whole);
  });

  it("still sends API calls to the full app", async () => {
    const { split, full: whole } = call("/api/workflows", { method: "GET" });
    const answered = await split;
    expect(answered.status).toBe(401);
    expect(answered).toEqual(await whole);
  });

  it("hands webhook calls, and only those, to the intake app", () => {
    const to = (path: string) => goesToIntake(`http://127.0.0.1:8787${path}`);
    expect(to("/webhooks/3f2a")).toBe(true);
    expect(to("/webhooks-test/3f2a?x=/api/")).toBe(true);
    expect(to("/webhooks/resume/token")).toBe(false);
    expect(to("/api/workflows")).toBe(false);
    expect(to("/api/webhooks/3f2a")).toBe(false);
    expect(to("/")).toBe(false);
  });

  it("the intake app holds only the two webhook routes, which Hono's regexp router takes", async () => {
    const intake = createIntakeApp();
    const paths = new Set(intake.routes.map((r) => r.path));
    expect([...paths].filter((p) => p !== "/*").sort()).toEqual([
      "/webhooks-test/:webhookId",
      "/webhooks/:webhookId",
    ]);
    await intake.fetch(
      new Request("http://example.test/webhooks/x", { method: "POST" }),
      env,
      createExecutionContext(),
    );
    // SmartRouter settles on the first router that accepts every route: not the slower trie.
    expect((intake.router as { activeRouter?: { name: string } }).activeRouter?.name).toBe("RegExpRouter");
  });
});
