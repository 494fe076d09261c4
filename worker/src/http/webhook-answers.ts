/**
 * Webhook answers built from run data (a respondToWebhook node's answer, a `lastNode` run's output).
 * Webhook URLs share the app's origin, so whatever a workflow answers is a page of the app as far as a
 * browser is concerned: an HTML answer could run script with the editor's cookies (stored XSS). Every
 * such answer therefore carries `Content-Security-Policy: sandbox` (the browser treats it as a page of
 * its own, opaque origin: no script, no access to the app's cookies or storage) with `default-src
 * 'none'`, and `X-Content-Type-Options: nosniff`; headers that would act on the app itself (cookies,
 * Clear-Site-Data, HSTS…) are refused at save by the node and dropped here whatever built the answer.
 * The security-headers middleware keeps this policy instead of the app's. Why: docs/security.md.
 */
import { APP_HEADERS, headerProblem } from "../nodes/respond-to-webhook";
import type { WebhookAnswer } from "../engine/webhook-answer";

export const RUN_DATA_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

const RUN_DATA_HEADERS = {
  "content-security-policy": RUN_DATA_CSP,
  "x-content-type-options": "nosniff",
} as const;

/** A respondToWebhook node's answer as an HTTP response. */
export function answerResponse(answer: WebhookAnswer, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    // Checked when the node ran; checked again here, so no path around the rule exists.
    if (headerProblem(name, value) === null && !Object.hasOwn(APP_HEADERS, name)) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(RUN_DATA_HEADERS)) headers.set(name, value);
  const body = method === "HEAD" ? null : answer.body;
  return new Response(body, { status: answer.status, headers });
}

/** A JSON answer made of run data (`respond: "lastNode"`), with the same policy. */
export function runDataJson(value: unknown, status: number): Response {
  const headers = new Headers({ "content-type": "application/json", ...RUN_DATA_HEADERS });
  return new Response(JSON.stringify(value ?? null), { status, headers });
}
