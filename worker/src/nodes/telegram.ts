import { z } from "zod";
import { defineNode } from "./node-type";
import { readCredential } from "./lib/credential";
import { callJsonApi } from "./lib/json-api";

const telegramCredential = z.object({
  botToken: z.string().min(1),
  baseUrl: z.string().url().optional(),
});

/** Telegram Bot API `sendMessage`: POST `{baseUrl}/bot<token>/sendMessage`; outputs the API's `result`. */
export const telegram = defineNode({
  type: "telegram",
  version: 1,
  title: "Telegram",
  description: "Sends a message with a Telegram bot. Outputs the sent Message (Bot API `result`).",
  category: "communication",
  icon: "send",
  parameters: z
    .object({
      chatId: z
        .union([z.string().min(1), z.number().int()])
        .describe("Chat id (a number, negative for groups) or @channelusername"),
      text: z
        .string()
        .min(1)
        .max(4096)
        .describe("Message text, 1-4096 characters (may use {{ }} expressions)"),
      parseMode: z
        .enum(["MarkdownV2", "HTML", "Markdown"])
        .optional()
        .describe("How Telegram formats the text (plain when empty)"),
    })
    .strict(),
  credential: { types: ["telegram"], required: true },
  outputs: ["main"],
  // A repeated call posts the message twice: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const { botToken, baseUrl } = readCredential(
      ctx.credential,
      telegramCredential,
      "Telegram",
      "a botToken",
    );
    const { chatId, text, parseMode } = ctx.params;
    const answer = await callJsonApi({
      service: "Telegram",
      baseUrl: baseUrl ?? "https://api.telegram.org",
      // The token is part of the path (that is the Bot API's design): listed so no error text shows it.
      path: `/bot${botToken}/sendMessage`,
      secrets: [botToken],
      body: { chat_id: chatId, text, ...(parseMode && { parse_mode: parseMode }) },
      fetch: ctx.fetch,
      signal: ctx.signal,
      timeoutMs: 30_000,
      maxAttempts: 1,
    });
    return { output: (answer.body as { result?: unknown } | null)?.result ?? null };
  },
});
