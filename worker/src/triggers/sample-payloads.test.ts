/**
 * The sample payloads behind the editor's "Run with sample data" are what our intake really produces:
 * each URL trigger is called with a request built from its sample, and the run it would start must carry
 * exactly that sample (webhook: the recorded request). Every trigger type has a sample that fits its schema.
 */
import { describe, expect, it } from "vitest";
import { callWebhooks, postJson, recordingServices, seedTrigger } from "../../test/fakes/trigger-fixtures";
import type { NodeType } from "../nodes/node-type";
import { nodeTypes } from "../nodes/registry";
import { scheduleOutput, scheduleTrigger } from "../nodes/schedule-trigger";
import { hmacSha256Hex } from "./signatures";

const sampleOf = (type: string) =>
  (nodeTypes as Record<string, NodeType>)[type].payload!.sample as Record<string, unknown>;

async function startedWith(
  type: string,
  credential: { type: string; data: Record<string, unknown> } | null,
  init: RequestInit,
  parameters: Record<string, unknown> = {},
) {
  const t = await seedTrigger({ type, parameters, credentialType: credential?.type });
  const { services, started } = recordingServices({
    credentials: credential ? { [t.credentialId!]: credential } : {},
  });
  const res = await callWebhooks(
    services,
    `/webhooks/${t.webhookId}${type === "webhookTrigger" ? "?source=website" : ""}`,
    init,
  );
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  expect(started).toHaveLength(1);
  return started[0].triggerData;
}

describe("trigger sample payloads", () => {
  it("every trigger type has a sample that fits its own payload schema", () => {
    const triggers = Object.values(nodeTypes as Record<string, NodeType>).filter((t) => t.trigger);
    expect(triggers.length).toBeGreaterThanOrEqual(8);
    for (const t of triggers) {
      expect(t.payload, `${t.type} has no payload`).toBeDefined();
      const parsed = t.payload!.schema.safeParse(t.payload!.sample);
      expect(parsed.success, `${t.type}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it("webhook: the sample is the request the intake records", async () => {
    const sample = sampleOf("webhookTrigger");
    const data = await startedWith("webhookTrigger", null, {
      method: "POST",
      headers: sample.headers as Record<string, string>,
      body: JSON.stringify(sample.body),
    });
    expect(data).toMatchObject({ method: sample.method, query: sample.query, body: sample.body });
    expect(Object.keys(data as object).sort()).toEqual(Object.keys(sample).sort());
    expect((data as { headers: object }).headers).toMatchObject(sample.headers as object);
  });

  it("Stripe: the sample is the verified event, unchanged", async () => {
    const sample = sampleOf("stripeTrigger");
    const body = JSON.stringify(sample);
    const t = Math.floor(Date.now() / 1000);
    const v1 = await hmacSha256Hex("whsec_sample", `${t}.${body}`);
    const data = await startedWith(
      "stripeTrigger",
      { type: "stripeWebhook", data: { signingSecret: "whsec_sample" } },
      {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${v1}` },
        body,
      },
      { events: [sample.type] },
    );
    expect(data).toEqual(sample);
  });

  it("GitHub: the sample is { event, delivery, payload } of a signed delivery", async () => {
    const sample = sampleOf("githubTrigger");
    const body = JSON.stringify(sample.payload);
    const signature = `sha256=${await hmacSha256Hex("gh_sample", body)}`;
    const data = await startedWith(
      "githubTrigger",
      { type: "githubWebhook", data: { secret: "gh_sample" } },
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": String(sample.event),
          "x-github-delivery": String(sample.delivery),
          "x-hub-signature-256": signature,
        },
        body,
      },
      { events: [sample.event] },
    );
    expect(data).toEqual(sample);
  });

  it("Google Form: the sample is the normalised submission", async () => {
    const sample = sampleOf("googleFormTrigger");
    const data = await startedWith(
      "googleFormTrigger",
      { type: "googleForm", data: { secret: "form_sample" } },
      postJson(sample, { "x-nodebase-secret": "form_sample" }),
    );
    expect(data).toEqual(sample);
  });

  it("Schedule: the sample has the cron handler's shape", () => {
    const sample = sampleOf("scheduleTrigger");
    const fired = scheduleOutput("2026-01-05T09:00:00.000Z", new Date().toISOString());
    expect(Object.keys(sample).sort()).toEqual(Object.keys(fired).sort());
    expect(scheduleTrigger.payload!.schema.safeParse(fired).success).toBe(true);
  });
});
