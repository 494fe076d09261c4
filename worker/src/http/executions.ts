/**
 * Executions: start a manual run, list and read runs with their step records, cancel, retry, deliver
 * events to a waiting run, and watch a run (or a workflow's newest run) live over a WebSocket.
 * The work is in engine/ (starting), storage/executions.ts (records) and realtime/ (rooms).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { startExecution, ExecutionStartError, type StartExecutionRequest } from "../engine/start-execution";
import { toLiveExecution, toLiveNode } from "../engine/live-state";
import { parseSnapshot } from "../engine/snapshot";
import { getNodeType } from "../nodes/registry";
import { publishExecution, publishNode, runRoom, workflowRoom } from "../realtime/publish";
import { getDb } from "../storage/db";
import {
  cancelUnfinishedSteps,
  findExecution,
  findExecutionForUser,
  findLatestExecution,
  findWorkflowForRun,
  findWorkflowVersionDocument,
  finishExecution,
  listExecutions,
  listSteps,
  type ExecutionRow,
  type StepRow,
} from "../storage/executions";
import { toPage } from "../storage/pagination";
import type { AppEnv } from "./context";
import { ApiError, notFound } from "./errors";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, IdParam, ListQuery, pageOf, parseCursor, security } from "./schemas";

export const executionsApp = new OpenAPIHono<AppEnv>();
const tags = ["Executions"];

/** `requireUser`, unless a middleware mounted on the same paths (workflows' `/workflows/*`) already ran it. */
const signedIn = createMiddleware<AppEnv>(async (c, next) =>
  c.get("userId") ? next() : requireUser(c, next),
);
executionsApp.use("/executions", signedIn);
executionsApp.use("/executions/*", signedIn);
executionsApp.use("/workflows/:id/run", signedIn);
executionsApp.use("/workflows/:id/live", signedIn);

const FINISHED = ["success", "error", "canceled"];
const STATUSES = ["queued", "running", "waiting", "success", "error", "canceled"] as const;

const ExecutionError = z.object({ message: z.string(), nodeId: z.string().optional() }).nullable();

const ExecutionSummary = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    version: z.number().int().openapi({ description: "The workflow version this run is pinned to" }),
    status: z.enum(STATUSES),
    mode: z
      .string()
      .openapi({ description: "manual | webhook | webhookTest | schedule | stripe | googleForm | retry" }),
    retryOf: z.string().nullable(),
    triggerNodeId: z.string().nullable(),
    error: ExecutionError,
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi("ExecutionSummary");

const ExecutionStep = z
  .object({
    nodeId: z.string(),
    nodeName: z.string(),
    status: z.enum(["queued", "running", "waiting", "success", "error", "skipped", "canceled"]),
    attempts: z.number().int(),
    input: z.unknown(),
    output: z.unknown(),
    error: z.object({ message: z.string() }).nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi("ExecutionStep");

const Execution = ExecutionSummary.extend({
  triggerData: z.unknown(),
  steps: z.array(ExecutionStep),
}).openapi("Execution");

const ExecutionStarted = z.object({ executionId: z.string() }).openapi("ExecutionStarted");

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

// ---- Run a workflow ------------------------------------------------------------------------------------

executionsApp.openapi(
  createRoute({
    method: "post",
    path: "/workflows/{id}/run",
    summary: "Run a workflow now from its manual trigger (the JSON body becomes the trigger's output)",
    tags,
    security,
    request: {
      params: IdParam,
      body: { required: false, content: { "application/json": { schema: z.unknown() } } },
    },
    responses: {
      201: json(ExecutionStarted, "The run was queued; follow it with GET /api/executions/{executionId}"),
      ...authErrors,
      404: errorResponse("No such workflow"),
      422: errorResponse("The workflow has no manual trigger"),
    },
  }),
  async (c) => {
    const body = await readOptionalJson(c.req);
    const { executionId } = await start(c.env, {
      userId: c.var.userId,
      workflowId: c.req.valid("param").id,
      mode: "manual",
      triggerData: body ?? {},
    });
    return c.json({ executionId }, 201);
  },
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
        status: z.enum(STATUSES).optional(),
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
    summary: "An execution with every step record",
    tags,
    security,
    request: { params: IdParam },
    responses: {
      200: json(Execution, "The execution"),
      ...authErrors,
      404: errorResponse("No such execution"),
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
    return c.json(toDetail(row, await listSteps(db, row.id)), 200);
  },
);

// ---- Cancel, retry, events -------------------------------------------------------------------------------

executionsApp.openapi(
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
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
    if (FINISHED.includes(row.status)) throw alreadyFinished(row);
    try {
      await (await c.env.RUN_WORKFLOW.get(row.id)).terminate();
    } catch (err) {
      // The instance may have ended between our read and terminate(); its final step wrote D1 first.
      const now = await findExecution(db, row.id);
      if (now && FINISHED.includes(now.status)) throw alreadyFinished(now);
      console.warn("cancel: terminate failed, marking canceled anyway", row.id, err);
    }
    const at = new Date();
    if (!(await finishExecution(db, row.id, "canceled", null, at))) {
      throw alreadyFinished((await findExecution(db, row.id)) ?? row);
    }
    const canceledSteps = await cancelUnfinishedSteps(db, row.id, at);
    const canceled = (await findExecution(db, row.id))!;
    const steps = await listSteps(db, row.id);
    const byId = new Map(steps.map((s) => [s.nodeId, s]));
    await Promise.all([
      ...canceledSteps.map((s) => publishNode(c.env, row.id, toLiveNode(byId.get(s.nodeId)!), at.getTime())),
      publishExecution(c.env, toLiveExecution(canceled), at.getTime()),
    ]);
    return c.json(toDetail(canceled, steps), 200);
  },
);

executionsApp.openapi(
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
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
    if (!FINISHED.includes(row.status)) {
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
  },
);

const EventParams = IdParam.extend({
  event: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "letters, digits, - and _ (at most 100)")
    .openapi({ param: { name: "event", in: "path" } }),
});

executionsApp.openapi(
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
    if (FINISHED.includes(row.status)) throw alreadyFinished(row);
    const payload = (await readOptionalJson(c.req)) ?? null;
    await (await c.env.RUN_WORKFLOW.get(row.id)).sendEvent({ type: event, payload });
    return c.json({ executionId: row.id, event }, 202);
  },
);

// ---- Live (WebSocket) ------------------------------------------------------------------------------------

executionsApp.get("/executions/:id/live", async (c) => {
  const row = await ownExecution(c.env, c.var.userId, c.req.param("id"));
  requireUpgrade(c.req.raw);
  const room = runRoom(c.env, row.id);
  // Seed from D1 so a viewer sees the truth even if a publish was lost or the room is new.
  await room.seed(toLiveExecution(row), (await listSteps(getDb(c.env.DB), row.id)).map(toLiveNode));
  return room.fetch(new Request("https://room/execution", c.req.raw));
});

executionsApp.get("/workflows/:id/live", async (c) => {
  const db = getDb(c.env.DB);
  const workflow = await findWorkflowForRun(db, c.var.userId, c.req.param("id"));
  if (!workflow) throw notFound("Workflow");
  requireUpgrade(c.req.raw);
  const room = workflowRoom(c.env, workflow.id);
  const latest = await findLatestExecution(db, workflow.id);
  if (latest) await room.seed(toLiveExecution(latest), []);
  return room.fetch(
    new Request(`https://room/workflow?workflowId=${encodeURIComponent(workflow.id)}`, c.req.raw),
  );
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
    },
  });
}

// ---- Helpers ---------------------------------------------------------------------------------------------

async function ownExecution(env: Env, userId: string, id: string): Promise<ExecutionRow> {
  const row = await findExecutionForUser(getDb(env.DB), userId, id);
  if (!row) throw notFound("Execution");
  return row;
}

async function start(env: Env, req: StartExecutionRequest) {
  try {
    return await startExecution(env, req);
  } catch (err) {
    if (!(err instanceof ExecutionStartError)) throw err;
    if (err.code === "workflow_not_found") throw notFound("Workflow");
    if (err.code === "start_failed") throw new ApiError(503, "start_failed", err.message);
    throw new ApiError(422, err.code, err.message);
  }
}

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

/** The JSON body, or undefined when there is none. Read through Hono's request, which caches the body. */
async function readOptionalJson(request: { text(): Promise<string> }): Promise<unknown> {
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

function alreadyFinished(row: ExecutionRow) {
  return new ApiError(409, "execution_finished", `The execution already finished (${row.status})`);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toSummary(row: ExecutionRow) {
  return {
    id: row.id,
    workflowId: row.workflowId,
    version: row.version,
    status: row.status,
    mode: row.mode,
    retryOf: row.retryOf,
    triggerNodeId: row.triggerNodeId,
    error: row.error ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

function toDetail(row: ExecutionRow, steps: StepRow[]) {
  return {
    ...toSummary(row),
    triggerData: row.triggerData ?? null,
    steps: steps.map((s) => ({
      nodeId: s.nodeId,
      nodeName: s.nodeName,
      status: s.status,
      attempts: s.attempts,
      input: s.input ?? null,
      output: s.output ?? null,
      error: s.error ?? null,
      startedAt: iso(s.startedAt),
      finishedAt: iso(s.finishedAt),
    })),
  };
}
