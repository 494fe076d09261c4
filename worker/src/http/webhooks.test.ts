/**
 * Webhook intake up to `startExecution`: what each call is answered and what run (if any) it asks for.
 * The engine is replaced by recording services here; worker/test/webhooks.test.ts runs real workflows.
 */
import { describe, expect, it } from "vitest";
import {
  callWebhooks as call,
  postJson,
  recordingServices,
  seedTrigger,
} from "../../test/fakes/trigger-fixtures";
import { hmacSha256Hex } from "../triggers/signatures";
import { createWebhookApp } from "./webhooks";

describe("webhookTrigger intake", () => {
  it("respond=immediately: answers 202 { executionId } and starts one run with { method, headers, query, body }", async () => {
    const t = await seedTrigger({
      type: "webhookTrigger",
      parameters: { method: "POST", respond: "immediately" },
    });
    const { services, started, waited } = recordingServices();
    const res = await call(
      services,
      `/webhooks/${t.webhookId}?a=1&a=2&b=x`,
      postJson({ n: 2 }, { "x-custom": "yes" }),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ executionId: "exec-1" });
    expect(started).toEqual([
      {
        userId: t.userId,
        workflowId: t.workflowId,
        mode: "webhook",
        triggerNodeId: "trigger",
        triggerData: {
          method: "POST",
          headers: expect.objectContaining({ "content-type": "application/json", "x-custom": "yes" }),
          query: { a: ["1", "2"], b: "x" },
          body: { n: 2 },
        },
        origin: "http://local.test",
        // The version, watch state and settings (its execution mode) the run starts from, read once at intake.
        version: 1,
        workflow: { liveUntil: null, settings: expect.toSatisfy((s) => s === null || typeof s === "object") },
        awaitEnd: false,
        // Answered once recorded: a durable run's instance is created after the 202.
        answerOnRecord: true,
      },
    ]);
    expect(waited).toEqual([]);
  });

  it("respond=lastNode: waits (30 s bound) and answers 200 with the last node's output", async () => {
    const t = await seedTrigger({
      type: "webhookTrigger",
      parameters: { method: "POST", respond: "lastNode" },
    });
    const { services, waited } = recordingServices({
      finished: { status: "success", output: { doubled: 4 }, error: null },
    });
    const res = await call(services, `/webhooks/${t.webhookId}`, postJson({ n: 2 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ doubled: 4 });
    expect(waited).toEqual([{ executionId: "exec-1", timeoutMs: 30_000 }]);
  });

  it("respond=lastNode: a failed run answers 500 with our error shape and the execution id", async () => {
    const t = await seedTrigger({
      type: "webhookTrigger",
      parameters: { method: "POST", respond: "lastNode" },
    });
    const { services } = recordingServices({
      finished: {
        status: "error",
        output: null,
        error: { message: "HTTP Request answered 502", nodeId: "n2" },
      },
    });
    const res = await call(services, `/webhooks/${t.webhookId}`, postJson({}));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: {
        code: "execution_failed",
        message: "HTTP Request answered 502",
        details: { executionId: "exec-1", nodeId: "n2" },
      },
    });
  });

  it("respond=lastNode: a run still going after the bound answers 202 { executionId }", async () => {
    const t = await seedTrigger({
      type: "webhookTrigger",
      parameters: { method: "POST", respond: "lastNode" },
    });
    const { services } = recordingServices({ finished: null });
    const res = await call(services, `/webhooks/${t.webhookId}`, postJson({}));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ executionId: "exec-1" });
  });

  it("answers 404 for an unknown id and for an inactive workflow's live URL, starting nothing", async () => {
    const t = await seedTrigger({ type: "webhookTrigger", parameters: { method: "POST" }, active: false });
    const { services, started } = recordingServices();
    const unknown = await call(services, "/webhooks/no-such-hook", postJson({}));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()) as object).toMatchObject({ error: { code: "not_found" } });
    expect((await call(services, `/webhooks/${t.webhookId}`, postJson({}))).status).toBe(404);
    expect((await call(services, "/webhooks-test/no-such-hook", postJson({}))).status).toBe(404);
    expect(started).toEqual([]);
  });

  it("runs the saved draft on the test URL even while the workflow is inactive", async () => {
    const t = await seedTrigger({ type: "webhookTrigger", parameters: { method: "GET" }, active: false });
    const { services, started } = recordingServices();
    const res = await call(services, `/webhooks-test/${t.webhookId}?q=1`);
    expect(res.status).toBe(202);
    expect(started).toMatchObject([
      { mode: "webhookTest", triggerData: { method: "GET", query: { q: "1" }, body: {} } },
    ]);
  });

  it("answers 405 with Allow for another method", async () => {
    const t = await seedTrigger({ type: "webhookTrigger", parameters: { method: "PUT" } });
    const { services, started } = recordingServices();
    const res = await call(services, `/webhooks/${t.webhookId}`, postJson({}));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("PUT");
    expect((await res.json()) as object).toMatchObject({ error: { code: "method_not_allowed" } });
    expect(started).toEqual([]);
  });

  it("answers 413 for a body over 1 MiB", async () => {
    const t = await seedTrigger({ type: "webhookTrigger", parameters: { method: "POST" } });
    const { services, started } = recordingServices();
    const res = await call(services, `/webhooks/${t.webhookId}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect((await res.json()) as object).toMatchObject({ error: { code: "payload_too_large" } });
    expect(started).toEqual([]);
  });

  it("parses urlencoded, multipart and text bodies; malformed JSON is a 400 that starts nothing", async () => {
    const t = await seedTrigger({ type: "webhookTrigger", parameters: { method: "POST" } });
    const { services, started } = recordingServices();
    const form = new FormData();
    form.append("name", "Ada");
    await call(services, `/webhooks/${t.webhookId}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&b=two",
    });
    await call(services, `/webhooks/${t.webhookId}`, { method: "POST", body: form });
    await call(services, `/webhooks/${t.webhookId}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hi",
    });
    const bad = await call(services, `/webhooks/${t.webhookId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()) as object).toMatchObject({ error: { code: "invalid_json" } });
    expect(started.map((s) => (s.triggerData as { body: unknown }).body)).toEqual([
      { a: "1", b: "two" },
      { name: "Ada" },
      "hi",
    ]);
  });

  it("header auth: the right value passes (and is not recorded), a wrong or missing one is 401", async () => {
    const t = await seedTrigger({
      type: "webhookTrigger",
      parameters: { method: "POST" },
      credentialType: "webhookAuth",
    });
    const { services, started } = recordingServices({
      credentials: {
        [t.credentialId!]: { type: "webhookAuth", data: { header: "X-Hook-Token", value: "tok-123" } },
      },
    });
    const ok = await call(services, `/webhooks/${t.webhookId}`, postJson({}, { "x-hook-token": "tok-123" }));
    expect(ok.status).toBe(202);
    expect((started[0].triggerData as { headers: Record<string, string> }).headers["x-hook-token"]).toBe(
      "[redacted]",
    );
    const wrong = await call(
      services,
      `/webhooks/${t.webhookId}`,
      postJson({}, { "x-hook-token": "tok-124" }),
    );
    expect(wrong.status).toBe(401);
    expect((await wrong.json()) as object).toMatchObject({ error: { code: "unauthorized" } });
    expect((await call(services, `/webhooks/${t.webhookId}`, postJson({}))).status).toBe(401);
    expect(started).toHaveLength(1);
  });

  it("HMAC auth: X-Nodebase-Signature sha256=<hex HMAC of the raw body> passes, anything else is 401", async () => {
    const t = await seedTrigger({
      type: "webhookTrigger",
      parameters: { method: "POST" },
      credentialType: "webhookAuth",
    });
    const { services, started } = recordingServices({
      credentials: { [t.credentialId!]: { type: "webhookAuth", data: { hmacSecret: "hmac-secret" } } },
    });
    const body = JSON.stringify({ order: 7 });
    const signature = `sha256=${await hmacSha256Hex("hmac-secret", body)}`;
    const init = (sig: string): RequestInit => ({
      method: "POST",
      headers: { "content-type": "application/json", "x-nodebase-signature": sig },
      body,
    });
    expect((await call(services, `/webhooks/${t.webhookId}`, init(signature))).status).toBe(202);
    expect((await call(services, `/webhooks/${t.webhookId}`, init(`sha256=${"0".repeat(64)}`))).status).toBe(
      401,
    );
    expect((await call(services, `/webhooks/${t.webhookId}`, postJson({ order: 7 }))).status).toBe(401);
    expect(started).toHaveLength(1);
  });
});

describe("OpenAPI", () => {
  it("describes both trigger URLs for every common method", () => {
    const doc = createWebhookApp(recordingServices().services).getOpenAPIDocument({
      openapi: "3.0.0",
      info: { title: "Nodebase", version: "test" },
    });
    for (const path of ["/webhooks/{webhookId}", "/webhooks-test/{webhookId}"]) {
      expect(Object.keys(doc.paths?.[path] ?? {})).toEqual(["get", "post", "put", "patch", "delete"]);
    }
  });
});
