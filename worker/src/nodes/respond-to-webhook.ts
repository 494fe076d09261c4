import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { MAX_ANSWER_BYTES, NOBODY_WAITS, type WebhookAnswer } from "../engine/webhook-answer";
import { defineNode } from "./node-type";

/**
 * Answers the webhook call that started the run (trigger `respond: "responseNode"`) the moment it runs,
 * and hands its input on: the run goes on after the caller has its answer (n8n's "Respond to Webhook").
 * Only the first one to run in a run answers; later ones, and any in a run nobody waits for (a manual
 * run, "Run with sample data", another respond mode), pass through and say so in their step's logs.
 *
 * Content type: a string body is sent as written, as `text/plain; charset=utf-8` unless a `content-type`
 * header says otherwise; any other body (object, list, number, true/false, null) is sent as JSON,
 * `application/json` unless a `content-type` header says otherwise. An empty string, or status 204, 205 or
 * 304, sends no body. The HTTP layer adds the security headers (http/webhook-answers.ts).
 */
export const RESPOND_TO_WEBHOOK_TYPE = "respondToWebhook";

/** Framing headers: the server sets them for the bytes it sends; a node's value would break the answer. */
const FRAMING_HEADERS = new Set([
  "connection",
  "content-encoding",
  "content-length",
  "host",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Headers that would act on the app itself: webhook URLs share the editor's origin (docs/security.md).
 * Exported so the HTTP layer drops them from any answer, whatever built it.
 */
export const APP_HEADERS: Readonly<Record<string, string>> = {
  "set-cookie": "cookies would be set on the app's own origin, where the editor's session lives",
  "set-cookie2": "cookies would be set on the app's own origin, where the editor's session lives",
  "clear-site-data": "it could wipe the editor's session and storage",
  "content-security-policy": "every webhook answer carries Nodebase's own sandbox policy",
  "content-security-policy-report-only": "every webhook answer carries Nodebase's own sandbox policy",
  "x-content-type-options": "every webhook answer is sent with nosniff",
  "x-frame-options": "every webhook answer is sent with DENY",
  "strict-transport-security": "it would apply to the whole app's host",
  "referrer-policy": "Nodebase sets it on every answer",
  "permissions-policy": "Nodebase sets it on every answer",
  "cross-origin-opener-policy": "Nodebase sets it on every answer",
  "service-worker-allowed": "it would widen what a service worker on the app's origin controls",
};

/** Script and style types: a page of the app could load them (its policy allows its own origin). */
const ACTIVE_CONTENT =
  /^\s*(?:(?:text|application)\/(?:x-)?(?:java|ecma|j|live)script[\w.]*|text\/css)\s*(?:;|$)/i;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NO_BODY_STATUS = new Set([204, 205, 304]);

/** Why a header may not be set by a node, or null. */
export function headerProblem(name: string, value: unknown): string | null {
  const lower = name.toLowerCase();
  if (!TOKEN.test(name)) return `"${name}" is not a valid header name`;
  if (FRAMING_HEADERS.has(lower)) return `"${lower}" is set by the server for the bytes it sends`;
  if (Object.hasOwn(APP_HEADERS, lower)) return `"${lower}" cannot be set: ${APP_HEADERS[lower]}`;
  if (lower === "content-type" && typeof value === "string" && ACTIVE_CONTENT.test(value)) {
    return `content-type "${value}" is refused: a page of the app could load it as its own script or style`;
  }
  return null;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const parameters = z
  .object({
    status: z
      .number()
      .int()
      .min(200)
      .max(599)
      .default(200)
      .describe("HTTP status of the answer, 200–599, e.g. 201 or {{ $json.found ? 200 : 404 }}"),
    headers: z
      .record(z.string().min(1), scalar)
      .default({})
      .superRefine((headers, ctx) => {
        for (const [name, value] of Object.entries(headers)) {
          const problem = headerProblem(name, value);
          if (problem) ctx.addIssue({ code: "custom", message: problem, path: [name] });
        }
      })
      .describe("Answer headers, name → value (content-type decides how a text body is read)"),
    body: z
      .unknown()
      .optional()
      .describe(
        "The answer's body: any JSON value (sent as JSON) or text (sent as it is); empty: this node's input",
      ),
  })
  .strict();

export const respondToWebhook = defineNode({
  type: RESPOND_TO_WEBHOOK_TYPE,
  version: 1,
  title: "Respond to webhook",
  description:
    "Answers the webhook call that started the run (its trigger's respond: When a Respond to Webhook node runs) with this status, headers and body; the run goes on. Outputs its input.",
  category: "flow",
  icon: "reply",
  parameters,
  outputs: ["main"],
  async run(ctx) {
    const answer = buildAnswer(ctx.params, ctx.params.body === undefined ? ctx.input : ctx.params.body);
    const outcome = ctx.respond
      ? await ctx.respond(answer)
      : { answered: false as const, reason: NOBODY_WAITS };
    const summary = summarize(answer);
    const message = outcome.answered
      ? `Answered the webhook call: ${summary}`
      : `Did not answer, ${outcome.reason}. Would have answered: ${summary}`;
    return { output: ctx.input, logs: [{ level: "info", message }] };
  },
});

type Params = z.infer<typeof parameters>;

/** The answer from the resolved parameters, by the content-type rules above. */
export function buildAnswer(params: Pick<Params, "status" | "headers">, body: unknown): WebhookAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(params.headers)) headers[name.toLowerCase()] = String(value);
  let text: string | null =
    typeof body === "string" ? body : body === undefined ? null : (JSON.stringify(body) ?? null);
  if (text !== null && text !== "" && !headers["content-type"]) {
    headers["content-type"] = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json";
  }
  if (text === "" || NO_BODY_STATUS.has(params.status)) text = null;
  if (text !== null && new TextEncoder().encode(text).byteLength > MAX_ANSWER_BYTES) {
    throw new NonRetryableError(`The answer's body is over ${MAX_ANSWER_BYTES} bytes`);
  }
  try {
    new Headers(headers); // a value with a line break or other byte a header cannot carry
  } catch (err) {
    throw new NonRetryableError(`headers: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { status: params.status, headers, body: text };
}

/** One line for the step's logs: status, headers and the start of the body. */
function summarize(answer: WebhookAnswer): string {
  const body = answer.body === null ? "no body" : `body ${clip(answer.body)}`;
  return `status ${answer.status}, headers ${JSON.stringify(answer.headers)}, ${body}`;
}

function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}… (${text.length} characters)` : text;
}
