/**
 * Starting a run: the `workflow_execution` row exists (`queued`, pinned to a version) before the
 * Workflow instance does, so a run is visible from the moment it is requested; if the instance cannot be
 * created the row ends `error` instead of staying `queued` forever.
 */
import { getNodeType } from "../nodes/registry";
import type { TriggerKind } from "../nodes/node-type";
import { getDb } from "../storage/db";
import {
  findWorkflowForRun,
  findWorkflowVersionDocument,
  finishExecution,
  insertExecution,
  insertReusedSteps,
} from "../storage/executions";
import { boundJson } from "./bounded-json";
import { publishExecutionRow } from "./live-state";
import { parseSnapshot } from "./snapshot";

export type ExecutionMode =
  "manual" | "webhook" | "webhookTest" | "schedule" | "stripe" | "googleForm" | "github" | "rss" | "retry";

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
  /** nodeId → output recorded as already succeeded (retry `fromFailed`); those nodes do not run again. */
  reuse?: Record<string, unknown>;
}

/** Why a run could not start. `code` maps to an HTTP status in the API layer. */
export class ExecutionStartError extends Error {
  constructor(
    readonly code: "workflow_not_found" | "version_not_found" | "no_trigger" | "start_failed",
    message: string,
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
};

/**
 * Records a queued execution and creates its Workflow instance (instance id = execution id).
 * Throws `ExecutionStartError` for a missing workflow/version/trigger, or when the instance fails to start
 * (the row is then already marked `error`).
 */
export async function startExecution(env: Env, req: StartExecutionRequest): Promise<{ executionId: string }> {
  const db = getDb(env.DB);
  const workflow = await findWorkflowForRun(db, req.userId, req.workflowId);
  if (!workflow) throw new ExecutionStartError("workflow_not_found", "Workflow not found");
  const version = req.version ?? workflow.version;
  const document = await findWorkflowVersionDocument(db, workflow.id, version);
  if (document === null) {
    throw new ExecutionStartError("version_not_found", `Version ${version} of this workflow was not saved`);
  }
  const triggerNodeId = req.triggerNodeId ?? findTriggerNode(document, req.mode);
  if (!triggerNodeId || !parseSnapshot(document).nodes.some((n) => n.id === triggerNodeId)) {
    throw new ExecutionStartError(
      "no_trigger",
      `This workflow has no trigger that can start a ${req.mode} run`,
    );
  }

  const executionId = crypto.randomUUID();
  const queued = await insertExecution(db, {
    id: executionId,
    workflowId: workflow.id,
    userId: req.userId,
    version,
    status: "queued",
    mode: req.mode,
    triggerNodeId,
    triggerData: req.triggerData ?? null,
    retryOf: req.retryOf ?? null,
  });
  if (req.reuse) await recordReusedOutputs(db, executionId, document, req.reuse);

  try {
    await env.RUN_WORKFLOW.create({ id: executionId, params: { executionId } });
  } catch (err) {
    const message = `Could not start the run: ${err instanceof Error ? err.message : String(err)}`;
    await publishExecutionRow(env, await finishExecution(db, executionId, "error", { message }, new Date()));
    throw new ExecutionStartError("start_failed", message);
  }
  // Tells the workflow's room (and so any open editor) that this execution exists.
  await publishExecutionRow(env, queued);
  return { executionId };
}

function findTriggerNode(document: unknown, mode: ExecutionMode): string | undefined {
  const kind = TRIGGER_FOR_MODE[mode];
  if (!kind) return undefined;
  return parseSnapshot(document).nodes.find((n) => getNodeType(n.type)?.trigger === kind)?.id;
}

async function recordReusedOutputs(
  db: ReturnType<typeof getDb>,
  executionId: string,
  document: unknown,
  reuse: Record<string, unknown>,
) {
  const now = new Date();
  const nodes = parseSnapshot(document).nodes.filter((n) => Object.hasOwn(reuse, n.id));
  await insertReusedSteps(
    db,
    executionId,
    nodes.map((n) => ({
      nodeId: n.id,
      nodeName: n.name,
      status: "success" as const,
      attempts: 0,
      input: null,
      output: boundJson(reuse[n.id]),
      error: null,
      startedAt: now,
      finishedAt: now,
    })),
  );
}
