import { z } from "zod";
import { defineNode } from "./node-type";
import { webhookUrlFrom } from "./lib/incoming-webhook";
import { callJsonApi } from "./lib/json-api";

/** Posts a message through a Slack incoming webhook (the URL lives in the credential). */
export const slack = defineNode({
  type: "slack",
  version: 1,
  title: "Slack",
  description: "Posts a message to a Slack channel through an incoming webhook. Outputs { ok, status }.",
  category: "communication",
  icon: "slack",
  parameters: z
    .object({ content: z.string().min(1).describe("Message text (Slack mrkdwn; may use {{ }} expressions)") })
    .strict(),
  credential: { types: ["slackWebhook"], required: true },
  outputs: ["main"],
  // A repeated call posts the message twice: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const url = webhookUrlFrom(ctx.credential, "Slack");
    const answer = await callJsonApi({
      service: "Slack",
      // The whole incoming-webhook URL is the secret: kept out of any error text.
      baseUrl: url,
      secrets: [url],
      body: { text: ctx.params.content },
      fetch: ctx.fetch,
      signal: ctx.signal,
      timeoutMs: 30_000,
      maxAttempts: 1,
    });
    return { output: { ok: true, status: answer.status } };
  },
});
