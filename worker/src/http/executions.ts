/**
 * Executions: start a manual run, list and read runs with their step records, and watch a run (or a
 * workflow's newest run) live over a WebSocket. Cancel, retry and events are in execution-control.ts.
 * The work is in engine/ (starting), storage/executions.ts (records) and realtime/ (rooms).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { startExecution, ExecutionStartError, type StartExecutionRequest } from "../engine/start-execution";
import { toLiveExecution, toLiveNode } from "../engine/live-state";
import { executionBodyProgress } from "../engine/loop-progress";
import { runRoom, workflowRoom } from "../realtime/publish";
import { WATCH_MS } from "../realtime/run-room";
import { markWorkflowWatched } from "../storage/run-records";
import { getDb } from "../storage/db";
import {
  findExecutionForUser,
  findLatestExecution,
  findWorkflowForRun,
  listExecutions,
  listChildExecutions,
  listStepStates,
  type ExecutionRow,
} from "../storage/executions";
import { toPage } from "../storage/pagination";
import { EXECUTION_STATUSES } from "../storage/statuses";
import type { AppEnv } from "./context";
import { ApiError, notFound } from "./errors";
import {
  Execution,
  ExecutionStarted,
  ExecutionSummary,
  json,
  toDetail,
  toSummary,
} from "./execution-schemas";
import { connectLive } from "./live-socket";
import { MAX_STEPS_PAGE, readStepPage } from "./step-pages";
import { withInFlightSlot } from "./in-flight";
import { enforceRateLimits } from "./rate-limit";
import { backgroundOf, requireUser } from "./require-user";
import { authErrors, errorResponse, IdParam, ListQuery, pageOf, parseCursor, security } from "./schemas";

export const executionsApp = new OpenAPIHono<AppEnv>();
const tags = ["Executions"];

const StepsQuery = z.object({
  stepsLimit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_STEPS_PAGE)
    .default(MAX_STEPS_PAGE)
    .openapi({
      description: `Most steps in this answer (max ${MAX_STEPS_PAGE}; fewer when their payloads pass ~4 MiB)`,
    }),
  stepsCursor: z.string().optional().openapi({ description: "`stepsNextCursor` of the previous answer" }),
});

/** `requireUser`, unless a middleware mounted on the same paths (workflows' `/workflows/*`) already ran it. */
export const signedIn = createMiddleware<AppEnv>(async (c, next) =>
  c.get("userId") ? next() : requireUser(c, next),
);
executionsApp.use("/executions", signedIn);
executionsApp.use("/executions/*", signedIn);
executionsApp.use("/workflows/:id/run", signedIn);
executionsApp.use("/workflows/:id/live", signedIn);

// ---- Run a workflow ------------------------------------------------------------------------------------

const RunQuery = z.object({
  trigger: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "Test this trigger node (its id) with the body as its output" }),
  until: z.string().min(1).max(200).optional().openapi({
    description:
      "Run to here: only the trigger and the nodes on the way to this node (its id) run; nothing after or beside it. Pinned nodes do not run, nor what only feeds them. An id naming no node answers 422 `invalid_until`",
  }),
});

executionsApp.openapi(
  createRoute({
    method: "post",
    path: "/workflows/{id}/run",
    summary:
      "Run a workflow now from its manual trigger, or test any trigger with a payload (the JSON body becomes the trigger's output)",
    description:
      "Without `trigger`, the run starts at the workflow's manual trigger and the body (any JSON, `{}` when empty) is its output. With `trigger=<nodeId>`, the run starts at that trigger node as a manual test run (pins honoured, production-only checks such as signatures skipped) and the body must have the shape that trigger outputs (`samplePayload` in GET /api/node-types); a body that does not answers 422 with `details: [{ nodeId, nodeName, field, message }]`.",
    tags,
    security,
    request: {
      params: IdParam,
      query: RunQuery,
      body: { required: false, content: { "application/json": { schema: z.unknown() } } },
    },
    responses: {
      201: json(ExecutionStarted, "The run was queued; follow it with GET /api/executions/{executionId}"),
      ...authErrors,
      404: errorResponse("No such workflow"),
      422: errorResponse(
        "The workflow has no manual trigger; or `trigger` is not a trigger node, or the body does not fit its output; or `until` names no node of the workflow (`invalid_until`)",
      ),
      429: errorResponse("Too many runs started by this user (`Retry-After` says when to try again)"),
    },
  }),
  (c) =>
    withInFlightSlot(c, "runStartInFlight", c.var.userId, async () => {
      await enforceRateLimits(c, [["runStart", c.var.userId]]);
      const body = await readOptionalJson(c.req);
      const { trigger, until } = c.req.valid("query");
      const { executionId } = await start(c.env, {
        userId: c.var.userId,
        workflowId: c.req.valid("param").id,
        mode: "manual",
        ...(trigger ? { triggerNodeId: trigger, checkTrigger: true } : {}),
        ...(until ? { until } : {}),
        triggerData: body ?? {},
        origin: new URL(c.req.url).origin,
        keepAlive: backgroundOf(c),
      });
      return c.json({ executionId }, 201);
    }),
);

// ---- Read ----------------------------------------------------------------------------------------------

executionsApp.openapi(
  createRoute({
    method: "get",
    path: "/executions",
    summary: "List executions, newest first",
    tags,
    security,
    request: {
      query: ListQuery.extend({
        workflowId: z.string().optional().openapi({ description: "Only this workflow's executions" }),
        status: z.enum(EXECUTION_STATUSES).optional(),
      }),
    },
    responses: { 200: json(pageOf(ExecutionSummary), "A page of executions"), ...authErrors },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const cursor = parseCursor(q.cursor);
    const rows = await listExecutions(getDb(c.env.DB), c.var.userId, {
      workflowId: q.workflowId,
      status: q.status,
      limit: q.limit,
      after: cursor && { createdAt: new Date(cursor.at), id: cursor.id },
    });
    const page = toPage(rows, q.limit);
    return c.json({ items: page.items.map(toSummary), nextCursor: page.nextCursor }, 200);
  },
);

executionsApp.openapi(
  createRoute({
    method: "get",
    path: "/executions/{id}",
    summary: "An execution with its step records, in pages bounded by count and size",
    description:
      "Steps come in the order they ran, at most `stepsLimit` per answer and about 4 MiB of recorded input/output (at least one step). `stepsNextCursor` (null on the last page) is passed back as `stepsCursor` for the next steps; the execution fields are the same on every page.",
    tags,
    security,
    request: { params: IdParam, query: StepsQuery },
    responses: {
      200: json(Execution, "The execution"),
      ...authErrors,
      404: errorResponse("No such execution"),
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
    const q = c.req.valid("query");
    const [page, progress, children] = await Promise.all([
      readStepPage(db, row.id, q.stepsCursor, q.stepsLimit),
      executionBodyProgress(db, row),
      listChildExecutions(db, row.id),
    ]);
    return c.json(toDetail(row, page, progress, children), 200);
  },
);

// ---- Live (WebSocket) ------------------------------------------------------------------------------------

executionsApp.get("/executions/:id/live", async (c) => {
  const row = await ownExecution(c.env, c.var.userId, c.req.param("id"));
  requireUpgrade(c.req.raw);
  const room = runRoom(c.env, row.id);
  const db = getDb(c.env.DB);
  // From now on the engine publishes this workflow's runs (it reads the watch back with its writes).
  await markWorkflowWatched(db, row.workflowId, Date.now() + WATCH_MS);
  // Seed from D1 so a viewer sees the truth even if a publish was lost or the room is new.
  // States only (listStepStates): a socket never makes the server load step inputs or outputs.
  const seed = async () =>
    room.seed(toLiveExecution(row), (await listStepStates(db, row.id)).map(toLiveNode));
  const url = `https://room/execution?watch=${encodeURIComponent(row.workflowId)}`;
  return connectLive(c, { name: row.id, stub: room, url }, seed);
});

executionsApp.get("/workflows/:id/live", async (c) => {
  const db = getDb(c.env.DB);
  const workflow = await findWorkflowForRun(db, c.var.userId, c.req.param("id"));
  if (!workflow) throw notFound("Workflow");
  requireUpgrade(c.req.raw);
  const room = workflowRoom(c.env, workflow.id);
  await markWorkflowWatched(db, workflow.id, Date.now() + WATCH_MS);
  const seed = async () => {
    const latest = await findLatestExecution(db, workflow.id);
    if (latest) await room.seed(toLiveExecution(latest), []);
  };
  const id = encodeURIComponent(workflow.id);
  const url = `https://room/workflow?workflowId=${id}&watch=${id}`;
  return connectLive(c, { name: `workflow:${workflow.id}`, stub: room, url }, seed);
});

for (const [path, summary] of [
  [
    "/executions/{id}/live",
    "Watch an execution live (WebSocket): a snapshot, then node and execution messages",
  ],
  [
    "/workflows/{id}/live",
    "Follow a workflow's executions live (WebSocket): a snapshot of the newest, then changes",
  ],
] as const) {
  executionsApp.openAPIRegistry.registerPath({
    method: "get",
    path,
    summary,
    tags,
    security,
    request: { params: IdParam },
    responses: {
      101: { description: "Switching protocols: JSON messages follow (see docs/api.md)" },
      ...authErrors,
      404: errorResponse("Not found (or not yours)"),
      426: errorResponse("Not a WebSocket upgrade request"),
      429: errorResponse(
        "Too many live sockets (`too_many_sockets`): 20 per execution or workflow room, 40 per user; `Retry-After` says when to retry",
      ),
    },
  });
}

// ---- Helpers ---------------------------------------------------------------------------------------------

export async function ownExecution(env: Env, userId: string, id: string): Promise<ExecutionRow> {
  const row = await findExecutionForUser(getDb(env.DB), userId, id);
  if (!row) throw notFound("Execution");
  return row;
}

export async function start(env: Env, req: StartExecutionRequest) {
  try {
    return await startExecution(env, req);
  } catch (err) {
    if (!(err instanceof ExecutionStartError)) throw err;
    if (err.code === "workflow_not_found") throw notFound("Workflow");
    if (err.code === "start_failed") throw new ApiError(503, "start_failed", err.message);
    throw new ApiError(422, err.code, err.message, err.details);
  }
}

/** The JSON body, or undefined when there is none. Read through Hono's request, which caches the body. */
export async function readOptionalJson(request: { text(): Promise<string> }): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON");
  }
}

function requireUpgrade(request: Request) {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Connect with a WebSocket (Upgrade: websocket)");
  }
}
