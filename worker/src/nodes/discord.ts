import { z } from "zod";
import { defineNode } from "./node-type";
import { webhookUrlFrom } from "./lib/incoming-webhook";
import { callJsonApi } from "./lib/json-api";

/** Posts a message through a Discord channel webhook (the URL lives in the credential). */
export const discord = defineNode({
  type: "discord",
  version: 1,
  title: "Discord",
  description: "Posts a message to a Discord channel through its webhook. Outputs { ok, status }.",
  category: "communication",
  icon: "discord",
  parameters: z
    .object({
      content: z
        .string()
        .min(1)
        .max(2000)
        .describe("Message text, up to 2000 characters (may use {{ }} expressions)"),
      username: z.string().optional().describe("Overrides the webhook's display name"),
    })
    .strict(),
  credential: { types: ["discordWebhook"], required: true },
  outputs: ["main"],
  // A repeated call posts the message twice: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const url = webhookUrlFrom(ctx.credential, "Discord");
    const { content, username } = ctx.params;
    const answer = await callJsonApi({
      service: "Discord",
      // The whole incoming-webhook URL is the secret: kept out of any error text.
      baseUrl: url,
      secrets: [url],
      body: { content, ...(username && { username }) },
      fetch: ctx.fetch,
      signal: ctx.signal,
      timeoutMs: 30_000,
      maxAttempts: 1,
    });
    return { output: { ok: true, status: answer.status } };
  },
});
