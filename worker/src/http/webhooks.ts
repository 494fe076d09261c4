/**
 * Webhook intake: `ANY /webhooks/:webhookId` (the active workflow) and `ANY /webhooks-test/:webhookId` (the
 * saved draft, active or not, for the editor). One handler serves webhook, Stripe and Google Form triggers;
 * what each kind accepts is decided in triggers/intake.ts. Details for callers: docs/webhooks.md.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { URL_TRIGGERS } from "../engine/validate-workflow";
import { getNodeType } from "../nodes/registry";
import { getDb } from "../storage/db";
import { isFinishedExecution } from "../storage/statuses";
import {
  claimTrigger,
  findWebhookTargetCounted,
  releaseClaimUnlessRecorded,
  type ClaimKey,
  type WebhookTarget,
} from "../storage/triggers";
import { acceptedMethod, decideIntake, type IntakeDecision } from "../triggers/intake";
import type { NodeType } from "../nodes/node-type";
import { readLimitedBody } from "../triggers/request-body";
import type { StartedExecution, TriggerServices } from "../triggers/services";
import { fastRunAnswer, fastRunResponse } from "../engine/fast-run";
import { isLoopResultsRef, readLoopResults } from "../engine/loop-results";
import { backgroundOf } from "./require-user";
import type { AppEnv } from "./context";
import { ApiError, errorBody } from "./errors";
import { withInFlightSlot } from "./in-flight";
import { refuseOverLimit, ruleWindowMs } from "./rate-limit";
import { answerResponse, runDataJson } from "./webhook-answers";

/**
 * How long `respond: "lastNode"` / `"responseNode"` holds the caller before answering 202 with the
 * execution id.
 */
export const LAST_NODE_WAIT_MS = 30_000;

export function createWebhookApp(services: TriggerServices, options: { lastNodeWaitMs?: number } = {}) {
  const app = new OpenAPIHono<AppEnv>();
  const waitMs = options.lastNodeWaitMs ?? LAST_NODE_WAIT_MS;

  app.all("/webhooks/:webhookId", (c) => intake(c, services, false, waitMs));
  app.all("/webhooks-test/:webhookId", (c) => intake(c, services, true, waitMs));
  registerDocs(app);
  return app;
}

async function intake(c: Context<AppEnv>, services: TriggerServices, test: boolean, waitMs: number) {
  const db = getDb(c.env.DB);
  // Per owner, before reading the body, counted in the lookup's round trip: a flood at one user's URLs
  // costs one batch per call, and the owner's limit decides only once the URL is known to be theirs.
  const { target, hit } = await findWebhookTargetCounted(db, c.req.param("webhookId")!, {
    prefix: "webhookIntake:",
    windowMs: ruleWindowMs(c.env, "webhookIntake"),
    live: !test,
  });
  const nodeType = target ? getNodeType(target.node.type) : undefined;
  // Unknown, not a URL trigger, or (live URL only) inactive: all the same 404, so ids cannot be probed.
  if (
    !target ||
    !nodeType?.trigger ||
    !URL_TRIGGERS.has(nodeType.trigger) ||
    (!test && !target.workflow.active)
  ) {
    throw new ApiError(404, "not_found", "Webhook not found (or its workflow is not active)");
  }
  if (hit) refuseOverLimit(c, [["webhookIntake", hit]]);
  const trigger = nodeType.trigger;
  // Held while the run is started, not while a `lastNode` caller waits for its end.
  const admitted = await withInFlightSlot(c, "webhookIntakeInFlight", target.workflow.userId, () =>
    admit(c, services, target, nodeType, trigger, test),
  );
  if (admitted instanceof Response) return admitted;
  const { respond, started } = admitted;
  const { executionId, fastEnd, fastAnswer } = started;

  if (respond === "immediately") return c.json({ executionId }, 202);

  if (respond === "responseNode") {
    // The first respondToWebhook node's answer, the moment it runs; the run goes on without us.
    const got =
      fastEnd && fastAnswer
        ? await fastRunResponse(fastAnswer, fastEnd, waitMs)
        : await services.waitForAnswer(c.env, executionId, waitMs);
    if (got && "answer" in got) return answerResponse(got.answer, c.req.method);
    // The run ended without one (or failed first): answered as `lastNode` would.
    return endAnswer(c, target.workflow.userId, executionId, got?.finished ?? null);
  }

  const finished = fastEnd
    ? await fastRunAnswer(fastEnd, waitMs)
    : await services.waitForExecution(c.env, executionId, waitMs);
  return endAnswer(c, target.workflow.userId, executionId, finished);
}

type StartDecision = Extract<IntakeDecision, { action: "start" }>;

/**
 * From the trigger's parameters to a started run: the method, the body, the trigger's own decision and its
 * dedupe claim. Answers a call that starts nothing (wrong method, acknowledged, already received) itself.
 */
async function admit(
  c: Context<AppEnv>,
  services: TriggerServices,
  target: WebhookTarget,
  nodeType: NodeType,
  trigger: string,
  test: boolean,
): Promise<Response | { respond: StartDecision["respond"]; started: StartedExecution }> {
  const db = getDb(c.env.DB);
  const parsed = nodeType.parameters.safeParse(target.node.parameters);
  if (!parsed.success)
    throw new ApiError(503, "trigger_not_configured", `Node "${target.node.name}" has invalid parameters`);
  const params = parsed.data as Record<string, unknown>;

  const method = acceptedMethod(trigger, params);
  if (c.req.method !== method) {
    c.header("Allow", method);
    throw new ApiError(405, "method_not_allowed", `This webhook accepts ${method}, not ${c.req.method}`);
  }

  const rawBody = await readLimitedBody(c.req.raw);
  const decision = await decideIntake(c.env, services, target, nodeType, params, {
    request: c.req.raw,
    rawBody,
    test,
  });
  if (decision.action === "acknowledge")
    return c.json({ received: true, started: false, reason: decision.reason }, 200);

  const claim: ClaimKey | null = decision.claimKey
    ? { workflowId: target.workflow.id, nodeId: target.node.id, claimKey: decision.claimKey }
    : null;
  // The claim names its run before the run exists, so a crash in between leaves a claim the reconciler
  // can tell is orphaned and release (the sender's redelivery then starts the run).
  const plannedId = claim ? crypto.randomUUID() : undefined;
  if (claim && !(await claimTrigger(db, claim, plannedId))) {
    if (claim.claimKey.startsWith("hmac:")) {
      throw new ApiError(409, "replayed_request", "This signed call was already received (replay refused)");
    }
    return c.json({ received: true, started: false, reason: "event already received" }, 200);
  }

  try {
    const started = await services.startExecution(c.env, {
      ...(plannedId && { executionId: plannedId }),
      userId: target.workflow.userId,
      workflowId: target.workflow.id,
      mode: decision.mode,
      triggerNodeId: target.node.id,
      triggerData: decision.triggerData,
      // The version this target was read from: with its snapshot cached, intake reads no document.
      version: target.workflow.version,
      workflow: {
        liveUntil: target.workflow.liveUntil,
        settings: target.workflow.settings,
        // Only a test-URL run uses pins; a production run never carries them.
        ...(decision.mode === "webhookTest" ? { pinData: target.workflow.pinData } : {}),
      },
      awaitEnd: decision.respond !== "immediately",
      answerOnRecord: decision.respond === "immediately",
      ...(decision.respond === "responseNode" && { awaitAnswer: true }),
      origin: new URL(c.req.url).origin,
      keepAlive: backgroundOf(c),
    });
    return { respond: decision.respond, started };
  } catch (err) {
    // Without a run the claim would swallow the event for good; give it back so the sender's retry counts
    // (kept when the run was recorded: the reconciler starts it, and a retry must not start another).
    if (claim) await releaseClaimUnlessRecorded(db, claim);
    throw err;
  }
}

/** `respond: "lastNode"`: the last node's output, a 500 naming the failure, or 202 while the run goes on. */
async function endAnswer(
  c: Context<AppEnv>,
  userId: string,
  executionId: string,
  finished: { status: string; output: unknown; error: { message: string; nodeId?: string } | null } | null,
) {
  if (!finished || !isFinishedExecution(finished.status)) return c.json({ executionId }, 202);
  if (finished.status !== "success") {
    const message = finished.error?.message ?? `Execution ${finished.status}`;
    return c.json(
      errorBody("execution_failed", message, { executionId, nodeId: finished.error?.nodeId }),
      500,
    );
  }
  // A loop's large `done` output travels as a reference (engine/loop-results.ts): the caller gets the list.
  const output = isLoopResultsRef(finished.output)
    ? await readLoopResults(c.env, userId, executionId, finished.output)
    : finished.output;
  return runDataJson(output ?? null, 200);
}

/** ANY-method routes cannot be declared with createRoute; describe them for /api/openapi.json by hand. */
function registerDocs(app: OpenAPIHono<AppEnv>) {
  const error = z.object({
    error: z.object({ code: z.string(), message: z.string(), details: z.any().optional() }),
  });
  const json = (schema: z.ZodType, description: string) => ({
    description,
    content: { "application/json": { schema } },
  });
  const responses = {
    200: json(
      z.any(),
      "respond=lastNode: the last node's output. respond=responseNode: the first respondToWebhook node's status, headers and body (any status 200–599, any content type). Stripe, GitHub: event acknowledged without a run",
    ),
    202: json(
      z.object({ executionId: z.string() }),
      "Run started (respond=immediately, or lastNode/responseNode after 30 s)",
    ),
    400: json(error, "Malformed body, or a Stripe signature that does not verify"),
    401: json(
      error,
      "Wrong webhook auth header / X-Nodebase-Signature / X-Nodebase-Secret / X-Hub-Signature-256",
    ),
    404: json(error, "Unknown webhook id, or (live URL) the workflow is not active"),
    405: json(error, "Method other than the trigger's"),
    409: json(error, "A timestamped HMAC-signed call sent a second time (replay refused)"),
    413: json(error, "Body over 1 MiB"),
    429: json(error, "Too many calls to this user's webhooks (`Retry-After` says when to try again)"),
    500: json(
      error,
      "respond=lastNode (or responseNode before a respondToWebhook node ran) and the run failed (details.executionId)",
    ),
  };
  const params = z.object({ webhookId: z.string().openapi({ description: "The trigger node's webhookId" }) });
  const body = { content: { "application/json": { schema: z.any() }, "text/plain": { schema: z.string() } } };
  for (const [prefix, summary] of [
    ["/webhooks", "Call a trigger of an active workflow"],
    ["/webhooks-test", "Call a trigger of the saved draft (works while inactive)"],
  ] as const) {
    for (const method of ["get", "post", "put", "patch", "delete"] as const) {
      app.openAPIRegistry.registerPath({
        method,
        path: `${prefix}/{webhookId}`,
        tags: ["Webhooks"],
        summary: `${summary} (any method; the node's own method is enforced)`,
        description: "See docs/webhooks.md for auth, body kinds, Stripe and Google Form.",
        request: { params, ...(method === "get" || method === "delete" ? {} : { body }) },
        responses,
      });
    }
  }
}
