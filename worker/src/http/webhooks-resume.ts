/**
 * Resume URLs: `POST|GET /webhooks/resume/<token>` delivers the event a `$resumeUrl("event")` link names to
 * its execution (a waiting `waitForEvent` resumes), with no API key: the signed token is the permission
 * (engine/resume-links.ts). Each link works once (`resume_token_use`); a used, tampered or foreign token,
 * or one whose run has ended, answers 404 and changes nothing.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { verifyResumeToken } from "../engine/resume-links";
import { getDb } from "../storage/db";
import { findExecution } from "../storage/executions";
import { claimResumeToken, releaseResumeToken } from "../storage/resume-tokens";
import { isFinishedExecution } from "../storage/statuses";
import { collect, parseBody, readLimitedBody } from "../triggers/request-body";
import type { AppEnv } from "./context";
import { ApiError, errorBody } from "./errors";
import { enforceRateLimits } from "./rate-limit";

export const resumeApp = new OpenAPIHono<AppEnv>();

const Delivered = z
  .object({ executionId: z.string(), event: z.string(), received: z.literal(true) })
  .openapi("ResumeDelivered");
const ErrorShape = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.any().optional() }),
});
const TokenParam = z.object({
  token: z
    .string()
    .max(400)
    .openapi({ param: { name: "token", in: "path" }, description: 'From `$resumeUrl("event")`' }),
});
const responses = {
  200: { description: "The event was delivered", content: { "application/json": { schema: Delivered } } },
  400: { description: "A body that does not parse", content: { "application/json": { schema: ErrorShape } } },
  404: {
    description: "Unknown, tampered or already used token, or the run has ended: nothing changed",
    content: { "application/json": { schema: ErrorShape } },
  },
  413: { description: "Body over 1 MiB", content: { "application/json": { schema: ErrorShape } } },
  503: {
    description: "The run could not be reached just now (the link stays usable)",
    content: { "application/json": { schema: ErrorShape } },
  },
};

for (const method of ["post", "get"] as const) {
  resumeApp.openapi(
    createRoute({
      method,
      path: "/webhooks/resume/{token}",
      tags: ["Webhooks"],
      summary:
        method === "post"
          ? "Deliver a resume URL's event (payload: the body: JSON, form or text); no API key"
          : "Deliver a resume URL's event from a clicked link (payload: the query parameters); no API key",
      description:
        method === "post"
          ? "The body (JSON, urlencoded/multipart form, or text; empty = `{}`) is the event payload."
          : "The query parameters (e.g. `?answer=approve`) are the event payload.",
      request: { params: TokenParam },
      responses,
    }),
    (c) => deliver(c, c.req.valid("param").token),
  );
}

const gone = () =>
  new ApiError(
    404,
    "not_found",
    "This resume link is not valid: unknown, already used, or its run has ended",
  );

async function deliver(c: Context<AppEnv>, token: string) {
  const target = await verifyResumeToken(c.env.AUTH_SECRET, token);
  if (!target) throw gone();
  const db = getDb(c.env.DB);
  const run = await findExecution(db, target.executionId);
  if (!run || isFinishedExecution(run.status)) throw gone();
  await enforceRateLimits(c, [["webhookIntake", run.userId]]);
  // Read before claiming: a body that does not parse leaves the link usable.
  const payload =
    c.req.method === "GET"
      ? collect(new URL(c.req.url).searchParams)
      : await parseBody(await readLimitedBody(c.req.raw), c.req.header("content-type") ?? "application/json");
  if (!(await claimResumeToken(db, run.id, target.event))) throw gone();
  try {
    // Plain JSON (form fields come as null-prototype objects, which an RPC cannot carry).
    const plain = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
    await (await c.env.RUN_WORKFLOW.get(run.id)).sendEvent({ type: target.event, payload: plain });
  } catch (err) {
    await releaseResumeToken(db, run.id, target.event);
    console.warn("resume URL: event not delivered", run.id, String(err));
    return c.json(
      errorBody("resume_failed", "The run could not be reached just now: try the link again"),
      503,
    );
  }
  return c.json({ executionId: run.id, event: target.event, received: true as const }, 200);
}
