/**
 * Stripe and Google Form intake up to `startExecution` (the generic webhook cases are in webhooks.test.ts):
 * signatures and secrets, event filtering and replay. Real runs: worker/test/webhooks.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  callWebhooks as call,
  postJson,
  recordingServices,
  seedTrigger,
} from "../../test/fakes/trigger-fixtures";
import { hmacSha256Hex } from "../triggers/signatures";

describe("stripeTrigger intake", () => {
  const secret = "whsec_unit_test";
  const event = (id: string, type = "checkout.session.completed") => ({
    id,
    object: "event",
    type,
    data: { object: { id: "cs_1" } },
  });
  const signed = async (
    payload: unknown,
    opts: { secret?: string; t?: number } = {},
  ): Promise<RequestInit> => {
    const body = JSON.stringify(payload);
    const t = opts.t ?? Math.floor(Date.now() / 1000);
    const v1 = await hmacSha256Hex(opts.secret ?? secret, `${t}.${body}`);
    return {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${v1}` },
      body,
    };
  };
  const setup = async (events: string[]) => {
    const t = await seedTrigger({
      type: "stripeTrigger",
      parameters: { events },
      credentialType: "stripeWebhook",
    });
    const credentials = { [t.credentialId!]: { type: "stripeWebhook", data: { signingSecret: secret } } };
    return { t, credentials };
  };

  it("starts one run with the verified event", async () => {
    const { t, credentials } = await setup(["checkout.session.completed"]);
    const { services, started } = recordingServices({ credentials });
    const res = await call(services, `/webhooks/${t.webhookId}`, await signed(event("evt_good")));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ executionId: "exec-1" });
    expect(started).toEqual([
      {
        // Named before the run exists: the claim records it (a crash in between is then recognisable).
        executionId: expect.any(String),
        userId: t.userId,
        workflowId: t.workflowId,
        mode: "stripe",
        triggerNodeId: "trigger",
        triggerData: event("evt_good"),
        origin: "http://local.test",
        // The version and watch state the run starts from (read once at intake, passed in the ticket).
        version: 1,
        workflow: { liveUntil: null, settings: expect.toSatisfy((s) => s === null || typeof s === "object") },
        awaitEnd: false,
        // Asked for, but a run with a fixed id (the claim's) still creates its instance before the answer.
        answerOnRecord: true,
      },
    ]);
  });

  it("answers 400 and starts nothing for a bad, stale or missing signature", async () => {
    const { t, credentials } = await setup([]);
    const { services, started } = recordingServices({ credentials });
    const bad = await call(
      services,
      `/webhooks/${t.webhookId}`,
      await signed(event("evt_1"), { secret: "whsec_other" }),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()) as object).toMatchObject({ error: { code: "invalid_signature" } });
    const stale = await signed(event("evt_1"), { t: Math.floor(Date.now() / 1000) - 301 });
    expect((await call(services, `/webhooks/${t.webhookId}`, stale)).status).toBe(400);
    expect((await call(services, `/webhooks/${t.webhookId}`, postJson(event("evt_1")))).status).toBe(400);
    expect(started).toEqual([]);
  });

  it("a replayed event id answers 200 and starts nothing the second time", async () => {
    const { t, credentials } = await setup([]);
    const { services, started } = recordingServices({ credentials });
    expect((await call(services, `/webhooks/${t.webhookId}`, await signed(event("evt_replay")))).status).toBe(
      202,
    );
    const again = await call(services, `/webhooks/${t.webhookId}`, await signed(event("evt_replay")));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, started: false, reason: "event already received" });
    expect(started).toHaveLength(1);
  });

  it("an event type not listed answers 200 and starts nothing; an empty list takes every type", async () => {
    const { t, credentials } = await setup(["invoice.paid"]);
    const { services, started } = recordingServices({ credentials });
    const res = await call(
      services,
      `/webhooks/${t.webhookId}`,
      await signed(event("evt_other", "customer.created")),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, started: false });
    expect(started).toEqual([]);

    const all = await setup([]);
    const open = recordingServices({ credentials: all.credentials });
    expect(
      (
        await call(
          open.services,
          `/webhooks/${all.t.webhookId}`,
          await signed(event("evt_any", "customer.created")),
        )
      ).status,
    ).toBe(202);
  });

  it("gives the event back when the run could not be started, so Stripe's retry starts it", async () => {
    const { t, credentials } = await setup([]);
    const failing = recordingServices({ credentials, failStart: true });
    const first = await call(failing.services, `/webhooks/${t.webhookId}`, await signed(event("evt_retry")));
    expect(first.status).toBe(500);
    const working = recordingServices({ credentials });
    expect(
      (await call(working.services, `/webhooks/${t.webhookId}`, await signed(event("evt_retry")))).status,
    ).toBe(202);
    expect(working.started).toHaveLength(1);
  });

  it("accepts only POST", async () => {
    const { t, credentials } = await setup([]);
    const { services } = recordingServices({ credentials });
    expect((await call(services, `/webhooks/${t.webhookId}`)).status).toBe(405);
  });
});

describe("googleFormTrigger intake", () => {
  const submission = {
    responses: { Name: "Ada", Topics: ["Math"] },
    respondent: "ada@example.com",
    submittedAt: "2026-01-01T10:00:00.000Z",
  };
  const setup = async () => {
    const t = await seedTrigger({ type: "googleFormTrigger", credentialType: "googleForm" });
    return {
      t,
      ...recordingServices({
        credentials: { [t.credentialId!]: { type: "googleForm", data: { secret: "form-secret" } } },
      }),
    };
  };

  it("starts a run with { responses, respondent, submittedAt } when X-Nodebase-Secret is right", async () => {
    const { t, services, started } = await setup();
    const res = await call(
      services,
      `/webhooks/${t.webhookId}`,
      postJson(submission, { "x-nodebase-secret": "form-secret" }),
    );
    expect(res.status).toBe(202);
    expect(started).toMatchObject([
      { mode: "googleForm", triggerNodeId: "trigger", triggerData: submission },
    ]);
  });

  it("answers 401 for a wrong or missing secret", async () => {
    const { t, services, started } = await setup();
    expect(
      (
        await call(
          services,
          `/webhooks/${t.webhookId}`,
          postJson(submission, { "x-nodebase-secret": "nope" }),
        )
      ).status,
    ).toBe(401);
    expect((await call(services, `/webhooks/${t.webhookId}`, postJson(submission))).status).toBe(401);
    expect(started).toEqual([]);
  });

  it("answers 400 for a body that is not the script's JSON", async () => {
    const { t, services, started } = await setup();
    const res = await call(
      services,
      `/webhooks/${t.webhookId}`,
      postJson({ hello: 1 }, { "x-nodebase-secret": "form-secret" }),
    );
    expect(res.status).toBe(400);
    expect(started).toEqual([]);
  });
});
