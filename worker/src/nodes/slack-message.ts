import { z } from "zod";
import { defineNode, type NodeRunContext } from "./node-type";
import { readCredential } from "./lib/credential";
import { callJsonApi } from "./lib/json-api";

const SLACK_API = "https://slack.com/api";

const slackApiCredential = z.object({ botToken: z.string().min(1), baseUrl: z.string().url().optional() });
const oauth2Credential = z.object({
  accessToken: z.string().min(1),
  apiBaseUrl: z.string().url().optional(),
});

/**
 * Slack Web API `chat.postMessage` with a bot token (`slackApi`, or an `oauth2` credential connected with
 * the Slack preset). Slack answers HTTP 200 with `{ ok: false, error }` for most failures; those fail the
 * node with Slack's error code, and `missing_scope` names the scope the token lacks.
 */
export const slackMessage = defineNode({
  type: "slackMessage",
  version: 1,
  title: "Slack message (bot)",
  description:
    "Posts a message to a Slack channel, DM or thread as a bot (chat.postMessage). Outputs { channel, ts, message }.",
  category: "communication",
  icon: "slack",
  parameters: z
    .object({
      channel: z
        .string()
        .min(1)
        .describe("Channel id (C…), #channel-name, or a user id (U…) for a direct message"),
      text: z.string().min(1).max(40_000).describe("Message text (Slack mrkdwn; may use {{ }} expressions)"),
      threadTs: z
        .string()
        .regex(/^\d+\.\d+$/, "must be a message ts such as 1767000000.000100")
        .optional()
        .describe("ts of the message to reply to, to post in its thread"),
    })
    .strict(),
  credential: { types: ["slackApi", "oauth2"], required: true },
  outputs: ["main"],
  // A repeated call posts the message twice: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const { token, baseUrl } = slackToken(ctx.credential);
    const { channel, text, threadTs } = ctx.params;
    const answer = await callJsonApi({
      service: "Slack",
      baseUrl: baseUrl ?? SLACK_API,
      path: "/chat.postMessage",
      auth: { bearer: token },
      // Slack reads a JSON body only with this charset (else it warns `missing_charset`).
      headers: { "content-type": "application/json; charset=utf-8" },
      body: { channel, text, ...(threadTs && { thread_ts: threadTs }) },
      failure: slackFailure,
      fetch: ctx.fetch,
      signal: ctx.signal,
      timeoutMs: 30_000,
      // See `idempotent`: a 429 or 5xx goes to the node's own retry policy, not a loop inside this call.
      maxAttempts: 1,
    });
    const { channel: posted, ts, message } = answer.body as { channel: string; ts: string; message: unknown };
    return { output: { channel: posted, ts, message } };
  },
});

function slackToken(credential: NodeRunContext<unknown>["credential"]): { token: string; baseUrl?: string } {
  if (credential?.type === "oauth2") {
    const { accessToken, apiBaseUrl } = readCredential(
      credential,
      oauth2Credential,
      "Slack",
      "a connected account",
    );
    return { token: accessToken, baseUrl: apiBaseUrl };
  }
  const { botToken, baseUrl } = readCredential(credential, slackApiCredential, "Slack", "a botToken");
  return { token: botToken, baseUrl };
}

/** Slack's `{ ok: false, error }` answer as the node's error text, e.g. "missing_scope (needs chat:write)". */
function slackFailure(body: unknown): string | undefined {
  const answer = body as { ok?: unknown; error?: unknown; needed?: unknown } | null;
  if (answer?.ok === true) return undefined;
  const error = typeof answer?.error === "string" ? answer.error : "an answer without ok: true";
  return typeof answer?.needed === "string" ? `${error} (needs ${answer.needed})` : error;
}
