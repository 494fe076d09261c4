/**
 * What a run starts from. `startExecution` knows everything the engine needs and passes it in the
 * instance's params (the ticket), so the engine reads nothing before its first node: not the execution
 * row, not the steps; the trigger payload rides along when small. The graph itself is never a step result:
 * the version snapshot (immutable once saved) is read and parsed once per isolate and cached.
 *
 * An instance created with only `{ executionId }` (an older instance, or one the reconciler re-creates)
 * loads its ticket from D1 in step `execution:load`.
 */
import { getDb } from "../storage/db";
import { findExecution, findWorkflowVersionDocument, listSteps } from "../storage/executions";
import { isFinishedExecution } from "../storage/statuses";
import { snapshotOf, type WorkflowSnapshot } from "./snapshot";

export interface RunTicket {
  workflowId: string;
  userId: string;
  version: number;
  triggerNodeId: string;
  /** Nodes whose outputs were recorded before the run (retry `fromFailed`). */
  reusedNodeIds: string[];
  /** The trigger payload when it is small; otherwise the trigger's step reads it from D1. */
  triggerData?: { value: unknown };
  /** The workflow's `liveUntil` when the run was requested (someone watching). */
  liveUntil: number | null;
  /** A caller waits for the run's answer (`respond: "lastNode"`): the end is signalled through its room. */
  awaitEnd: boolean;
  /**
   * The caller waits for a respondToWebhook node's answer (`respond: "responseNode"`), sent through the
   * run's room the moment that node runs (webhook-answer.ts); undefined in an older ticket.
   */
  awaitAnswer?: boolean;
  /** The execution waiting for this one (a sub-workflow run), or null; undefined in an older ticket. */
  parentExecutionId?: string | null;
  /** The run gate admitted the run when it was requested (concurrency/admission.ts); else it asks first. */
  admitted?: boolean;
  /** Origin of the request behind the run (for `$resumeUrl`); undefined in an older ticket. */
  origin?: string | null;
  /** "Run to here": only the trigger and the nodes on the way to this node run (run-until.ts). */
  until?: string | null;
  /** Started as a fast run (fast-run.ts), in-process: the reconciler hands it over only when it is old. */
  fast?: boolean;
  /** A fast run of pure nodes that took no slot of the run gate (start-execution.ts), so frees none. */
  ungated?: boolean;
}

export interface RunParams {
  executionId: string;
  ticket?: RunTicket;
}

/** Trigger payloads up to this size (JSON) ride in the params instead of being read back from D1. */
export const INLINE_TRIGGER_BYTES = 64 * 1024;

/** The body of step `execution:load`: the ticket from D1, or null when the run already ended. */
export async function loadTicket(env: Env, executionId: string): Promise<RunTicket | null> {
  const db = getDb(env.DB);
  const row = await findExecution(db, executionId);
  if (!row) throw new Error(`Execution ${executionId} has no record`);
  if (isFinishedExecution(row.status)) return null;
  if (!row.triggerNodeId) throw new Error("The execution names no trigger node");
  // Success rows present before this instance ran: outputs recorded for reuse by a retry, or nodes that a
  // run interrupted before this instance already finished (they are not run again).
  const steps = await listSteps(db, executionId);
  const reusedNodeIds = steps.filter((s) => s.status === "success").map((s) => s.nodeId);
  return {
    workflowId: row.workflowId,
    userId: row.userId,
    version: row.version,
    triggerNodeId: row.triggerNodeId,
    reusedNodeIds,
    liveUntil: null,
    awaitEnd: false,
    parentExecutionId: row.parentExecutionId ?? null,
    origin: row.origin ?? null,
    until: row.runUntil ?? null,
  };
}

/**
 * The pinned version's snapshot (cached per isolate, see `snapshotOf`). Read outside any step: a replay
 * reads the same immutable row, and a D1 hiccup is retried here a few times.
 */
export async function loadSnapshot(env: Env, workflowId: string, version: number): Promise<WorkflowSnapshot> {
  const snapshot = await snapshotOf(workflowId, version, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await findWorkflowVersionDocument(getDb(env.DB), workflowId, version);
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  });
  if (!snapshot) throw new Error(`Version ${version} of workflow ${workflowId} is missing`);
  return snapshot;
}
