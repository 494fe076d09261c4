/**
 * Starting a run: the `workflow_execution` row exists (`queued`, pinned to a version) before the
 * Workflow instance does, so a run is visible from the moment it is requested; if the instance cannot be
 * created the row ends `error` instead of staying `queued` forever. (Except after an answer on record
 * (`answerOnRecord`): the row then waits, `queued`, for the reconciler to create the instance.)
 */
import { copySucceededItemRecords, copySucceededItems } from "../storage/loops";
import { loopGraphOf } from "./loop-progress";
import { getNodeType } from "../nodes/registry";
import { executionStorageLimit, isStorageBudgetRefusal } from "./storage-budget";
import type { TriggerKind } from "../nodes/node-type";
import { getDb, type Db } from "../storage/db";
import {
  executionInsertStatements,
  findRunTarget,
  finishExecution,
  insertExecutionWithSteps,
  type ExecutionRow,
} from "../storage/executions";
import { boundJson } from "./bounded-json";
import { describeIssue } from "./problem-text";
import { publishExecutionRow } from "./live-state";
import { INLINE_TRIGGER_BYTES, type RunParams, type RunTicket } from "./run-ticket";
import { gateEntry, requestSlot } from "../concurrency/admission";
import { canRunFast, runsPure } from "./fast-mode";
import { FirstWrite } from "./first-write";
import { errorMessage } from "./node-errors";
import type { RunOutcome } from "./run-workflow";
import type { WorkflowSettings } from "./workflow-document";
import { hasSnapshot, snapshotOf, type WorkflowSnapshot } from "./snapshot";
import { inProcessAnswer, type WebhookAnswer } from "./webhook-answer";

export type ExecutionMode =
  | "manual"
  | "webhook"
  | "webhookTest"
  | "schedule"
  | "stripe"
  | "googleForm"
  | "github"
  | "rss"
  | "retry"
  | "error"
  | "subworkflow";

export interface StartExecutionRequest {
  userId: string;
  workflowId: string;
  mode: ExecutionMode;
  /** The trigger node that starts the run; by default the first trigger node matching `mode`. */
  triggerNodeId?: string;
  /** The trigger's payload: the trigger node's output and `$trigger`. */
  triggerData: unknown;
  /** Pin to this version; by default the workflow's current (newest saved) version. */
  version?: number;
  retryOf?: string;
  /**
   * A fixed id for this execution, for starts made from inside a durable step (error workflows,
   * sub-workflows): a retried or replayed step asks again with the same id and starts nothing new. Also
   * the id a trigger claim named before the run existed (so an orphaned claim can be recognised).
   */
  executionId?: string;
  /** The execution whose executeWorkflow node starts this one (mode `subworkflow`). */
  parentExecutionId?: string;
  /** Origin (`https://host`) of the request behind this run, for the links it builds. */
  origin?: string | null;
  /**
   * A test run (`POST /api/workflows/:id/run?trigger=`): `triggerNodeId` must be a trigger node and
   * `triggerData` must fit its type's payload schema, else `invalid_trigger` names the node and field.
   */
  checkTrigger?: boolean;
  /** nodeId → output recorded as already succeeded (retry `fromFailed`); those nodes do not run again. */
  reuse?: Record<string, unknown>;
  /** A caller will wait for the run's answer (`respond: "lastNode"`): the engine signals its end. */
  awaitEnd?: boolean;
  /**
   * A caller will wait for a respondToWebhook node's answer (`respond: "responseNode"`; set `awaitEnd`
   * too, for a run that ends without one): the node sends it the moment it runs (webhook-answer.ts).
   */
  awaitAnswer?: boolean;
  /** The workflow row as the caller just read it (owner = `userId`), with `version` set to its version. */
  workflow?: { liveUntil: number | null; settings: unknown; pinData?: Record<string, unknown> | null };
  /** "Run to here" (`?until=`): only the trigger and the nodes on the way to this node run. */
  until?: string;
  /**
   * The invocation's `waitUntil`: a caller that passes it lets a `fast` workflow run here, in-process
   * (fast-run.ts). Without it (a start from inside another run's step) every run is durable.
   */
  keepAlive?: (p: Promise<unknown>) => void;
  /**
   * The caller answers as soon as the run is recorded (URL trigger intake answering at once): with
   * `keepAlive`, a durable run's instance is created after the answer, not before it. A create that fails
   * then leaves the run `queued`, and the reconciler creates its instance: the id was given out, so the run
   * must not end `error` for the sender to retry.
   */
  answerOnRecord?: boolean;
}

export interface StartedExecution {
  executionId: string;
  /** A fast run's end (it runs in this invocation); absent for a durable run. */
  fastEnd?: Promise<RunOutcome>;
  /** A fast run started with `awaitAnswer`: the first respondToWebhook node's answer (never settles without one). */
  fastAnswer?: Promise<WebhookAnswer>;
}

/** The modes that use pinned data; production runs (and retries, sub-workflow and error runs) never do. */
const PIN_MODES: ReadonlySet<ExecutionMode> = new Set(["manual", "webhookTest"]);

/** Why a run could not start. `code` maps to an HTTP status in the API layer. */
export class ExecutionStartError extends Error {
  constructor(
    readonly code:
      | "workflow_not_found"
      | "version_not_found"
      | "no_trigger"
      | "invalid_trigger"
      | "invalid_until"
      | "start_failed",
    message: string,
    /** `invalid_trigger`: `[{ nodeId, nodeName, field, message }]`, as save problems are. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ExecutionStartError";
  }
}

const TRIGGER_FOR_MODE: Partial<Record<ExecutionMode, TriggerKind>> = {
  manual: "manual",
  webhook: "webhook",
  webhookTest: "webhook",
  schedule: "schedule",
  stripe: "stripe",
  googleForm: "googleForm",
  github: "github",
  rss: "rss",
  error: "error",
  subworkflow: "subworkflow",
};

/**
 * Records a queued execution and creates its Workflow instance (instance id = execution id), handing the
 * engine its ticket (run-ticket.ts) so it reads nothing before its first node. One D1 round trip for the
 * workflow and version (none for the document when its snapshot is cached), one for the insert.
 * Throws `ExecutionStartError` for a missing workflow/version/trigger, or when the instance fails to start
 * (the row is then already marked `error`).
 */
export async function startExecution(env: Env, req: StartExecutionRequest): Promise<StartedExecution> {
  const db = getDb(env.DB);
  const cached = req.version !== undefined && hasSnapshot(req.workflowId, req.version);
  // A caller that has just read the workflow row (webhook intake) saves the second read when cached.
  const target =
    cached && req.workflow
      ? {
          id: req.workflowId,
          version: req.version!,
          liveUntil: req.workflow.liveUntil,
          pinData: req.workflow.pinData ?? null,
          settings: req.workflow.settings,
          document: null,
          pinned: req.version!,
        }
      : await findRunTarget(db, req.userId, req.workflowId, req.version, !cached);
  if (!target) throw new ExecutionStartError("workflow_not_found", "Workflow not found");
  const version = req.version ?? target.version;
  const snapshot =
    target.pinned === null ? null : await snapshotOf(target.id, version, async () => target.document);
  if (!snapshot) {
    throw new ExecutionStartError("version_not_found", `Version ${version} of this workflow was not saved`);
  }
  const triggerNodeId = req.triggerNodeId ?? findTriggerNode(snapshot, req.mode);
  if (req.checkTrigger) checkTriggerData(snapshot, triggerNodeId, req.triggerData);
  if (!triggerNodeId || !snapshot.nodes.some((n) => n.id === triggerNodeId)) {
    throw new ExecutionStartError(
      "no_trigger",
      `This workflow has no trigger that can start a ${req.mode} run`,
    );
  }

  if (req.until !== undefined && !snapshot.nodes.some((n) => n.id === req.until)) {
    throw new ExecutionStartError(
      "invalid_until",
      `Run to here: this workflow (as saved) has no node with id "${req.until}"`,
    );
  }

  const executionId = req.executionId ?? crypto.randomUUID();
  const settings = target.settings as WorkflowSettings | null;
  const mayRunFast =
    req.keepAlive !== undefined &&
    settings?.executionMode === "fast" &&
    // A version saved before the workflow turned fast may still pause: that one runs durably.
    canRunFast(snapshot);
  // A fast run of pure nodes only computes, within the expression budgets, inside this request: it holds
  // nothing the user's cap protects (the webhook and run-start rate limits bound how many come), so it
  // asks the gate nothing. A workflow limit (`maxConcurrency`) is the user's explicit wish: always kept.
  const ungated = mayRunFast && settings?.maxConcurrency == null && runsPure(snapshot);
  // The run gate (concurrency/admission.ts), asked in request order. Asking again (a retried step with a
  // fixed id) keeps the run's place; a slot taken for a run whose record never lands is freed by the alarm.
  const place = ungated
    ? "admitted"
    : await requestSlot(
        env,
        req.userId,
        gateEntry(executionId, target.id, req.mode, settings as Record<string, unknown> | null),
      );
  // A fast run that must queue runs durably instead: it waits for its slot inside its instance.
  const fast = place === "admitted" && mayRunFast;
  const pins = PIN_MODES.has(req.mode) ? (target.pinData ?? undefined) : undefined;
  const reused = [
    ...(req.reuse ? reusedSteps(snapshot, req.reuse, false) : []),
    ...(pins
      ? reusedSteps(snapshot, pins, true).filter((s) => !req.reuse || !Object.hasOwn(req.reuse, s.nodeId))
      : []),
  ];
  const ticket: RunTicket = {
    workflowId: target.id,
    userId: req.userId,
    version,
    triggerNodeId,
    reusedNodeIds: reused.map((s) => s.nodeId),
    liveUntil: target.liveUntil,
    // A fast run's caller awaits its promise; only a durable run signals its end through the room.
    awaitEnd: !fast && (req.awaitEnd ?? false),
    ...(!fast && req.awaitAnswer && { awaitAnswer: true }),
    parentExecutionId: req.parentExecutionId ?? null,
    admitted: place === "admitted",
    origin: req.origin ?? null,
    ...(req.until !== undefined ? { until: req.until } : {}),
    ...(fast && { fast: true }),
    ...(ungated && { ungated: true }),
  };
  const row = {
    id: executionId,
    workflowId: target.id,
    userId: req.userId,
    storageLimit: executionStorageLimit(env),
    version,
    status: "queued" as const,
    mode: req.mode,
    triggerNodeId,
    triggerData: req.triggerData ?? null,
    retryOf: req.retryOf ?? null,
    parentExecutionId: req.parentExecutionId ?? null,
    origin: req.origin ?? null,
    runUntil: req.until ?? null,
    // Kept for the reconciler: a woken instance must replay with the params it was created with.
    ticket: { ...ticket },
  };
  const watched = target.liveUntil !== null && target.liveUntil > Date.now();
  const params = { executionId, ticket: { ...ticket, triggerData: inlineTrigger(req.triggerData) } };
  // A fast run's caller waiting for a respondToWebhook node gets its answer in-process (webhook-answer.ts).
  const channel = fast && req.awaitAnswer ? inProcessAnswer() : undefined;
  const answer = channel ? { fastAnswer: channel.answered } : {};
  // Nothing the engine would read back (reused steps, a large payload) and nobody to show `queued` to:
  // the row goes in with the run's first batch (first-write.ts), one D1 write for the whole run.
  if (ungated && reused.length === 0 && params.ticket.triggerData !== undefined && !watched) {
    const firstWrite = new FirstWrite(executionInsertStatements(db, row, []));
    const { startFastRun } = await import("./fast-run");
    const fastEnd = startFastRun(env, params, req.keepAlive!, { firstWrite, respond: channel?.respond });
    await firstWrite.landed.catch((err: unknown) => {
      throw new ExecutionStartError("start_failed", `Could not record the run: ${errorMessage(err)}`);
    });
    return { executionId, fastEnd, ...answer };
  }
  const queued = await insertExecutionWithSteps(db, row, reused);
  // Loop elements that succeeded are reused too: the loop runs again, only for the others.
  if (req.reuse && queued && req.retryOf) {
    await copySucceededItems(db, req.retryOf, executionId);
    await copyReusedElementRecords(db, snapshot, req.retryOf, executionId);
  }

  if (fast) {
    if (watched && queued) await publishExecutionRow(env, queued);
    // Loaded on first use: the engine's modules stay out of the graph of modules that only start runs.
    const { startFastRun } = await import("./fast-run");
    const fastEnd = startFastRun(env, params, req.keepAlive!, { respond: channel?.respond });
    return { executionId, fastEnd, ...answer };
  }
  if (req.answerOnRecord && req.keepAlive && !req.executionId) {
    req.keepAlive(createAfterAnswer(env, executionId, params, watched ? queued : null));
    return { executionId };
  }
  try {
    await env.RUN_WORKFLOW.create({ id: executionId, params });
  } catch (err) {
    // A start with a fixed id that is asked again (a retried step) finds its instance already there.
    if (req.executionId && (await instanceExists(env, executionId))) return { executionId };
    // Leave the queued row to the step's next attempt, which creates the instance with the same id.
    if (req.executionId)
      throw new ExecutionStartError("start_failed", `Could not start the run: ${String(err)}`);
    const message = `Could not start the run: ${err instanceof Error ? err.message : String(err)}`;
    await publishExecutionRow(env, await finishExecution(db, executionId, "error", { message }, new Date()));
    throw new ExecutionStartError("start_failed", message);
  }
  // Tells the workflow's room (and so any open editor) that this execution exists; nobody to tell otherwise.
  if (watched && queued) await publishExecutionRow(env, queued);
  return { executionId };
}

/**
 * The instance of a run whose id is already answered (`answerOnRecord`). On failure the row stays
 * `queued`: the reconciler creates the instance once the row is `RECONCILE_GRACE_MS` old.
 */
async function createAfterAnswer(
  env: Env,
  executionId: string,
  params: RunParams,
  queued: ExecutionRow | null,
) {
  try {
    await env.RUN_WORKFLOW.create({ id: executionId, params });
  } catch (err) {
    console.error(
      "start: instance not created; the reconciler will create it",
      executionId,
      errorMessage(err),
    );
    return;
  }
  if (queued) await publishExecutionRow(env, queued);
}

/**
 * The reused elements' body records come along for people to read. Past the new execution's storage
 * budget they stay behind: the elements are still reused (their results are in `loop_item`), only their
 * records are not shown.
 */
async function copyReusedElementRecords(db: Db, snapshot: WorkflowSnapshot, from: string, to: string) {
  const graph = loopGraphOf(snapshot.nodes, snapshot.edges);
  const bodyLoops = new Map<string, string>();
  for (const n of snapshot.nodes) {
    const loop = graph.loopOf(n.id);
    if (loop) bodyLoops.set(n.id, loop);
  }
  try {
    await copySucceededItemRecords(db, from, to, bodyLoops);
  } catch (err) {
    if (!isStorageBudgetRefusal(err)) throw err;
  }
}

async function instanceExists(env: Env, executionId: string): Promise<boolean> {
  try {
    await env.RUN_WORKFLOW.get(executionId);
    return true;
  } catch {
    return false;
  }
}

/**
 * A UUID-shaped id derived from `seed` (SHA-256): the same seed always names the same execution, which
 * makes starts from durable steps exactly-once (see `StartExecutionRequest.executionId`).
 */
export async function derivedExecutionId(seed: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(seed)));
  const hex = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The trigger payload as it rides in the ticket, when small enough; otherwise the engine reads it. */
function inlineTrigger(data: unknown): { value: unknown } | undefined {
  const text = JSON.stringify(data ?? null) ?? "null";
  return text.length <= INLINE_TRIGGER_BYTES ? { value: JSON.parse(text) } : undefined;
}

/** Throws `invalid_trigger` unless the node is a trigger and the data fits its payload schema. */
function checkTriggerData(snapshot: WorkflowSnapshot, nodeId: string | undefined, data: unknown): void {
  const node = snapshot.nodes.find((n) => n.id === nodeId);
  if (!node) {
    throw new ExecutionStartError(
      "invalid_trigger",
      `This workflow (as saved) has no node with id "${nodeId}"`,
    );
  }
  const type = getNodeType(node.type);
  if (!type?.trigger) {
    throw new ExecutionStartError(
      "invalid_trigger",
      `Node "${node.name}" is not a trigger: a run starts at a trigger`,
    );
  }
  const parsed = type.payload?.schema.safeParse(data);
  if (!parsed || parsed.success) return;
  const details = parsed.error.issues.map((issue) => ({
    nodeId,
    nodeName: node.name,
    field: ["payload", ...issue.path.map(String)].join("."),
    message: `${node.name}: ${describeIssue(issue, type.payload!.schema, data)}`,
  }));
  throw new ExecutionStartError(
    "invalid_trigger",
    `The test data does not look like what "${node.name}" outputs: ${details[0].message}`,
    details,
  );
}

function findTriggerNode(snapshot: WorkflowSnapshot, mode: ExecutionMode): string | undefined {
  const kind = TRIGGER_FOR_MODE[mode];
  if (!kind) return undefined;
  return snapshot.nodes.find((n) => getNodeType(n.type)?.trigger === kind)?.id;
}

/** Step rows recorded before the run: outputs a retry reuses, or pins (`pinned`); those nodes do not run. */
function reusedSteps(snapshot: WorkflowSnapshot, reuse: Record<string, unknown>, pinned: boolean) {
  const now = new Date();
  return snapshot.nodes
    .filter((n) => Object.hasOwn(reuse, n.id))
    .map((n) => ({
      nodeId: n.id,
      nodeName: n.name,
      status: "success" as const,
      attempts: 0,
      input: null,
      output: boundJson(reuse[n.id]),
      error: null,
      logs: null,
      pinned,
      startedAt: now,
      finishedAt: now,
    }));
}
