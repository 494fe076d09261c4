/**
 * Executions control routes: cancel a run, retry a finished one, deliver an event to a waiting one.
 * Reading and starting runs is in executions.ts; both sub-apps share execution-schemas.ts.
 */
import { releaseSlot } from "../concurrency/admission";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { publishExecutionRow, toLiveNode } from "../engine/live-state";
import { instanceMayStillRun } from "../engine/reconciler";
import { parseSnapshot } from "../engine/snapshot";
import { getNodeType } from "../nodes/registry";
import { publishNode } from "../realtime/publish";
import { sendToParent } from "../engine/sub-workflow";
import { getDb } from "../storage/db";
import {
  cancelUnfinishedSteps,
  findExecution,
  findWorkflowVersionDocument,
  finishExecution,
  listStepStates,
  listSteps,
  type ExecutionRow,
  type StepRow,
} from "../storage/executions";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { isFinishedExecution } from "../storage/statuses";
import { Execution, ExecutionStarted, json, toDetail } from "./execution-schemas";
import { ownExecution, readOptionalJson, signedIn, start } from "./executions";
import { withInFlightSlot } from "./in-flight";
import { enforceRateLimits } from "./rate-limit";
import { readStepPage } from "./step-pages";
import { authErrors, errorResponse, IdParam, security } from "./schemas";

export const executionControlApp = new OpenAPIHono<AppEnv>();
const tags = ["Executions"];

executionControlApp.use("/executions/*", signedIn);

executionControlApp.openapi(
  createRoute({
    method: "post",
    path: "/executions/{id}/cancel",
    summary: "Cancel a run at any moment, including during a wait",
    tags,
    security,
    request: { params: IdParam },
    responses: {
      200: json(Execution, "The canceled execution"),
      ...authErrors,
      404: errorResponse("No such execution"),
      409: errorResponse("The execution already finished"),
      503: errorResponse("`cancel_failed`: the instance could not be terminated; nothing changed"),
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
    if (isFinishedExecution(row.status)) throw alreadyFinished(row);
    try {
      await (await c.env.RUN_WORKFLOW.get(row.id)).terminate();
    } catch (err) {
      // The instance may have ended between our read and terminate(); its final step wrote D1 first.
      const now = await findExecution(db, row.id);
      if (now && isFinishedExecution(now.status)) throw alreadyFinished(now);
      // Canceled means nothing more runs: say so only when the instance can no longer run anything.
      if (await instanceMayStillRun(c.env, row.id)) {
        throw new ApiError(
          503,
          "cancel_failed",
          "The run could not be stopped just now, and nothing was changed: try the cancel again",
        );
      }
    }
    const at = new Date();
    if (!(await finishExecution(db, row.id, "canceled", null, at))) {
      throw alreadyFinished((await findExecution(db, row.id)) ?? row);
    }
    const canceledSteps = await cancelUnfinishedSteps(db, row.id, at);
    const canceled = (await findExecution(db, row.id))!;
    // States only for the room; the answer carries the first page of steps, like GET /executions/:id.
    const [states, page] = await Promise.all([
      listStepStates(db, row.id),
      readStepPage(db, row.id, undefined),
    ]);
    const byId = new Map(states.map((s) => [s.nodeId, s]));
    await Promise.all([
      ...canceledSteps.map((s) => publishNode(c.env, row.id, toLiveNode(byId.get(s.nodeId)!), at.getTime())),
      publishExecutionRow(c.env, canceled, at.getTime()),
      // A terminated run never reaches its own release: free its slot (or only its place in the queue).
      releaseSlot(c.env, canceled.userId, canceled.id),
      // A terminated sub-workflow run never reaches its own notify step: tell the waiting parent here.
      canceled.parentExecutionId
        ? sendToParent(c.env, canceled.parentExecutionId, {
            executionId: canceled.id,
            status: "canceled",
            output: null,
            error: { message: "The sub-workflow execution was canceled" },
          })
        : undefined,
    ]);
    return c.json(toDetail(canceled, page), 200);
  },
);

executionControlApp.openapi(
  createRoute({
    method: "post",
    path: "/executions/{id}/retry",
    summary: "Start a new execution from a finished one",
    description:
      "`fromFailed`: the same pinned version and trigger data; nodes that succeeded keep their recorded outputs " +
      "(branching nodes are re-evaluated), the failed node and everything after it run again. " +
      "`latest`: the newest saved version, run from the start with the original trigger data.",
    tags,
    security,
    request: {
      params: IdParam,
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ mode: z.enum(["fromFailed", "latest"]) }) } },
      },
    },
    responses: {
      201: json(ExecutionStarted, "The new execution (its retryOf is this one)"),
      ...authErrors,
      404: errorResponse("No such execution"),
      409: errorResponse("The execution has not finished, or (fromFailed) did not fail"),
      422: errorResponse("The trigger node is no longer in the workflow"),
      429: errorResponse("Too many runs started by this user (`Retry-After`)"),
    },
  }),
  (c) =>
    withInFlightSlot(c, "runStartInFlight", c.var.userId, async () => {
      const db = getDb(c.env.DB);
      const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
      await enforceRateLimits(c, [["runStart", c.var.userId]]);
      if (!isFinishedExecution(row.status)) {
        throw new ApiError(409, "execution_not_finished", "Only a finished execution can be retried");
      }
      const { mode } = c.req.valid("json");
      const base = {
        userId: c.var.userId,
        workflowId: row.workflowId,
        mode: "retry" as const,
        triggerNodeId: row.triggerNodeId ?? undefined,
        triggerData: row.triggerData,
        retryOf: row.id,
        origin: new URL(c.req.url).origin,
      };
      if (mode === "latest") return c.json(await start(c.env, base), 201);
      if (row.status === "success") {
        throw new ApiError(409, "nothing_failed", "This execution succeeded; retry it with mode 'latest'");
      }
      const document = await findWorkflowVersionDocument(db, row.workflowId, row.version);
      if (document === null)
        throw new ApiError(422, "version_missing", `Version ${row.version} is no longer stored`);
      const reuse = reusableOutputs(document, await listSteps(db, row.id));
      return c.json(await start(c.env, { ...base, version: row.version, reuse }), 201);
    }),
);

const EventParams = IdParam.extend({
  event: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "letters, digits, - and _ (at most 100)")
    .openapi({ param: { name: "event", in: "path" } }),
});

executionControlApp.openapi(
  createRoute({
    method: "post",
    path: "/executions/{id}/events/{event}",
    summary: "Deliver an event to a run (resumes a waitForEvent node waiting for that name)",
    description:
      "The JSON body is the event payload (the node's output). An event sent early is kept until asked for.",
    tags,
    security,
    request: {
      params: EventParams,
      body: { required: false, content: { "application/json": { schema: z.unknown() } } },
    },
    responses: {
      202: json(z.object({ executionId: z.string(), event: z.string() }), "Delivered"),
      ...authErrors,
      404: errorResponse("No such execution"),
      409: errorResponse("The execution already finished"),
    },
  }),
  async (c) => {
    const { id, event } = c.req.valid("param");
    const row = await ownExecution(c.env, c.var.userId, id);
    if (isFinishedExecution(row.status)) throw alreadyFinished(row);
    const payload = (await readOptionalJson(c.req)) ?? null;
    await (await c.env.RUN_WORKFLOW.get(row.id)).sendEvent({ type: event, payload });
    return c.json({ executionId: row.id, event }, 202);
  },
);

// ---- Helpers ---------------------------------------------------------------------------------------------

/**
 * Outputs a `fromFailed` retry may reuse: nodes that succeeded. Branching nodes (more than the `main`
 * output) run again instead, because only their output, not the branch they took, is recorded; they
 * are pure routing, so re-running them is cheap and gives the same branch.
 */
function reusableOutputs(document: unknown, steps: StepRow[]): Record<string, unknown> {
  const nodes = new Map(parseSnapshot(document).nodes.map((n) => [n.id, n]));
  const reuse: Record<string, unknown> = {};
  for (const s of steps) {
    const outputs = getNodeType(nodes.get(s.nodeId)?.type ?? "")?.outputs;
    const singleMain = Array.isArray(outputs) && outputs.length === 1 && outputs[0] === "main";
    if (s.status === "success" && singleMain) reuse[s.nodeId] = s.output;
  }
  return reuse;
}

function alreadyFinished(row: ExecutionRow) {
  return new ApiError(409, "execution_finished", `The execution already finished (${row.status})`);
}
