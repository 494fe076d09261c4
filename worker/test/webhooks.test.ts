/**
 * Webhook, Stripe and Google Form triggers end to end: workflows and credentials made through the API,
 * calls to /webhooks/…, real runs by the engine (the AI and Slack nodes talk to the fake provider server).
 */
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../src/triggers/signatures";
import { finished } from "./engine-fixtures";
import { fakeSession } from "./fakes/fake-http";
import { call, signUp } from "./helpers";
import { createCredential, createWorkflow, webhookIdOf } from "./trigger-scenarios";

const doubleNode = {
  id: "double",
  type: "set",
  name: "Double",
  parameters: { fields: { doubled: "{{ $json.body.n * 2 }}" } },
};

/** The workflow's webhook trigger (id `hook`) with these parameters, checked by `credentialId` if given. */
const webhookNode = (parameters: Record<string, unknown>, credentialId?: string) => ({
  id: "hook",
  type: "webhookTrigger",
  name: "Webhook",
  parameters,
  ...(credentialId ? { credentialId } : {}),
});

describe("webhook trigger, end to end", () => {
  it("respond=lastNode answers with the last node's output", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, [webhookNode({ method: "POST", respond: "lastNode" }), doubleNode]);
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}`, { method: "POST", json: { n: 21 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ doubled: 42 });
  });

  it("respond=immediately answers 202 { executionId } and the run records the trigger payload", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, [
      webhookNode({ method: "POST", respond: "immediately" }),
      doubleNode,
    ]);
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}?source=test`, {
      method: "POST",
      json: { n: 5 },
    });
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const { execution, steps } = await finished(executionId);
    expect(execution).toMatchObject({
      status: "success",
      mode: "webhook",
      workflowId: wf.id,
      userId: user.userId,
    });
    expect(steps.hook.output).toMatchObject({
      method: "POST",
      query: { source: "test" },
      body: { n: 5 },
      headers: expect.objectContaining({ "content-type": "application/json" }),
    });
    expect(steps.double.output).toEqual({ doubled: 10 });
  });

  it("the live URL of an inactive workflow is 404; its test URL runs the saved draft", async () => {
    const user = await signUp();
    const wf = await createWorkflow(
      user,
      [webhookNode({ method: "POST", respond: "lastNode" }), doubleNode],
      { active: false },
    );
    const hook = webhookIdOf(wf, "hook");
    expect((await call(`/webhooks/${hook}`, { method: "POST", json: { n: 1 } })).status).toBe(404);
    const test = await call(`/webhooks-test/${hook}`, { method: "POST", json: { n: 4 } });
    expect(test.status).toBe(200);
    expect(await test.json()).toEqual({ doubled: 8 });
  });

  it("respond=lastNode answers 500 with the execution id when the run fails", async () => {
    const fake = await fakeSession([{ status: 404, body: "no_team" }]);
    const user = await signUp();
    const slackCredential = await createCredential(user, "slackWebhook", {
      url: `${fake.baseUrl}/services/T/B/X`,
    });
    const wf = await createWorkflow(user, [
      webhookNode({ method: "POST", respond: "lastNode" }),
      {
        id: "notify",
        type: "slack",
        name: "Notify",
        parameters: { content: "n is {{ $json.body.n }}" },
        credentialId: slackCredential,
      },
    ]);
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}`, { method: "POST", json: { n: 3 } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { executionId: string } };
    };
    expect(body.error.code).toBe("execution_failed");
    expect(body.error.message).toContain("Slack answered 404: no_team");
    expect((await finished(body.error.details.executionId)).execution.status).toBe("error");
    const requests = await fake.requests();
    expect(requests[0]).toMatchObject({ method: "POST", path: "/services/T/B/X" });
    expect(JSON.parse(requests[0].body)).toEqual({ text: "n is 3" });
  });

  it("runs an AI node against a fake provider and answers with its text", async () => {
    const fake = await fakeSession([
      {
        status: 200,
        body: {
          choices: [{ message: { role: "assistant", content: "Paris" } }],
          usage: { prompt_tokens: 5, completion_tokens: 1 },
        },
      },
    ]);
    const user = await signUp();
    const key = await createCredential(user, "openai", { apiKey: "sk-scenario", baseUrl: fake.baseUrl });
    const wf = await createWorkflow(user, [
      webhookNode({ method: "POST", respond: "lastNode" }),
      {
        id: "ask",
        type: "openai",
        name: "Ask",
        parameters: {
          model: "gpt-4o-mini",
          system: "Answer in one word",
          prompt: "Capital of {{ $json.body.country }}?",
        },
        credentialId: key,
      },
    ]);
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}`, {
      method: "POST",
      json: { country: "France" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      text: "Paris",
      usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
    });
    const [request] = await fake.requests();
    expect(request.path).toBe("/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-scenario");
    expect(JSON.parse(request.body)).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Answer in one word" },
        { role: "user", content: "Capital of France?" },
      ],
    });
  });

  it("webhookAuth credentials: header value and HMAC signature, 401 when wrong, secret never recorded", async () => {
    const user = await signUp();
    const headerAuth = await createCredential(user, "webhookAuth", {
      header: "X-Api-Token",
      value: "tok-scenario",
    });
    const hmacAuth = await createCredential(user, "webhookAuth", { hmacSecret: "hmac-scenario" });
    const byHeader = await createWorkflow(user, [webhookNode({ method: "POST" }, headerAuth)]);
    const byHmac = await createWorkflow(user, [webhookNode({ method: "POST" }, hmacAuth)]);

    const headerUrl = `/webhooks/${webhookIdOf(byHeader, "hook")}`;
    expect(
      (await call(headerUrl, { method: "POST", json: {}, headers: { "x-api-token": "wrong" } })).status,
    ).toBe(401);
    const ok = await call(headerUrl, {
      method: "POST",
      json: {},
      headers: { "x-api-token": "tok-scenario" },
    });
    expect(ok.status).toBe(202);
    const { execution, steps } = await finished(((await ok.json()) as { executionId: string }).executionId);
    expect(execution.status).toBe("success");
    expect((steps.hook.output as { headers: Record<string, string> }).headers["x-api-token"]).toBe(
      "[redacted]",
    );
    expect(JSON.stringify(steps.hook.output)).not.toContain("tok-scenario");

    const body = JSON.stringify({ n: 1 });
    const signature = `sha256=${await hmacSha256Hex("hmac-scenario", body)}`;
    const hmacUrl = `/webhooks/${webhookIdOf(byHmac, "hook")}`;
    const signed = await call(hmacUrl, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-nodebase-signature": signature },
    });
    expect(signed.status).toBe(202);
    expect(
      (await call(hmacUrl, { method: "POST", body, headers: { "content-type": "application/json" } })).status,
    ).toBe(401);
  });

  it("a webhook whose auth credential is force-deleted stays closed (503), never public", async () => {
    const user = await signUp();
    const auth = await createCredential(user, "webhookAuth", { header: "X-Api-Token", value: "tok-gone" });
    const wf = await createWorkflow(user, [webhookNode({ method: "POST" }, auth)]);
    const url = `/webhooks/${webhookIdOf(wf, "hook")}`;
    expect((await call(url, { method: "POST", json: {} })).status).toBe(401);
    const del = await user.fetch(`/api/credentials/${auth}?force=true`, { method: "DELETE" });
    expect(del.status).toBe(204);
    const after = await call(url, { method: "POST", json: {} });
    expect(after.status).toBe(503);
    expect(await after.json()).toMatchObject({ error: { code: "trigger_not_configured" } });
    const saved = await user.fetch(`/api/workflows/${wf.id}`);
    const doc = (await saved.json()) as {
      nodes: { parameters: Record<string, unknown>; credentialId?: string }[];
    };
    expect(doc.nodes[0].parameters.authentication).toBe("credential");
    expect(doc.nodes[0].credentialId ?? null).toBeNull();
  });
});

describe("Stripe trigger, end to end", () => {
  const secret = "whsec_scenario";
  const deliver = async (url: string, event: unknown, signingSecret = secret) => {
    const body = JSON.stringify(event);
    const t = Math.floor(Date.now() / 1000);
    const v1 = await hmacSha256Hex(signingSecret, `${t}.${body}`);
    return call(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${v1}` },
    });
  };

  it("runs once per verified event, ignores replays, unlisted types and bad signatures", async () => {
    const user = await signUp();
    const credentialId = await createCredential(user, "stripeWebhook", { signingSecret: secret });
    const wf = await createWorkflow(user, [
      {
        id: "stripe",
        type: "stripeTrigger",
        name: "Stripe",
        parameters: { events: ["invoice.paid"] },
        credentialId,
      },
    ]);
    const url = `/webhooks/${webhookIdOf(wf, "stripe")}`;
    const event = {
      id: "evt_scenario_1",
      object: "event",
      type: "invoice.paid",
      data: { object: { id: "in_1", amount_paid: 900 } },
    };

    const first = await deliver(url, event);
    expect(first.status).toBe(202);
    const { execution, steps } = await finished(
      ((await first.json()) as { executionId: string }).executionId,
    );
    expect(execution).toMatchObject({ status: "success", mode: "stripe" });
    expect(steps.stripe.output).toEqual(event);

    const replay = await deliver(url, event);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ started: false });
    const unlisted = await deliver(url, { ...event, id: "evt_scenario_2", type: "customer.created" });
    expect(unlisted.status).toBe(200);
    expect(await unlisted.json()).toMatchObject({ started: false });
    expect((await deliver(url, { ...event, id: "evt_scenario_3" }, "whsec_forged")).status).toBe(400);

    const list = await user.fetch(`/api/executions?workflowId=${wf.id}`);
    if (list.status === 200) expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
  });
});

describe("Google Form trigger, end to end", () => {
  it("runs with the form's answers when the secret matches, 401 otherwise", async () => {
    const user = await signUp();
    const credentialId = await createCredential(user, "googleForm", { secret: "form-scenario-secret" });
    const wf = await createWorkflow(user, [
      { id: "form", type: "googleFormTrigger", name: "Form", credentialId },
    ]);
    const url = `/webhooks/${webhookIdOf(wf, "form")}`;
    const submission = {
      responses: { Name: "Ada" },
      respondent: "ada@example.com",
      submittedAt: "2026-01-01T10:00:00.000Z",
    };

    expect(
      (await call(url, { method: "POST", json: submission, headers: { "x-nodebase-secret": "nope" } }))
        .status,
    ).toBe(401);
    const ok = await call(url, {
      method: "POST",
      json: submission,
      headers: { "x-nodebase-secret": "form-scenario-secret" },
    });
    expect(ok.status).toBe(202);
    const { execution, steps } = await finished(((await ok.json()) as { executionId: string }).executionId);
    expect(execution).toMatchObject({ status: "success", mode: "googleForm" });
    expect(steps.form.output).toEqual(submission);
  });
});

describe("OpenAPI document served by the Worker", () => {
  it("lists the trigger URLs under the Webhooks tag", async () => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const path of ["/webhooks/{webhookId}", "/webhooks-test/{webhookId}"]) {
      expect(Object.keys(doc.paths[path] ?? {})).toEqual(["get", "post", "put", "patch", "delete"]);
      expect(doc.paths[path].post.tags).toEqual(["Webhooks"]);
    }
  });
});
