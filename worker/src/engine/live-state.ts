/**
 * Live state: the shapes the rooms hold and sockets receive, made from execution and step rows or from a
 * node of the run, and the one function that publishes an execution row.
 */
import type { LiveExecutionState, LiveNodeState, StepStatus } from "../realtime/events";
import { publishExecution } from "../realtime/publish";
import type { ExecutionRow, StepState } from "../storage/executions";
import type { SnapshotNode } from "./snapshot";

export function toLiveExecution(row: ExecutionRow): LiveExecutionState {
  return {
    id: row.id,
    workflowId: row.workflowId,
    status: row.status,
    error: row.error ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toLiveNode(row: StepState): LiveNodeState {
  return {
    nodeId: row.nodeId,
    nodeName: row.nodeName,
    status: row.status,
    attempt: row.attempts,
    error: row.error ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** A node's live state as the engine knows it inside a step (without reading its row back). */
export function liveNode(
  node: SnapshotNode,
  status: StepStatus,
  attempt: number,
  t: { startedAt?: Date | null; finishedAt?: Date | null; error?: { message: string } | null },
): LiveNodeState {
  return {
    nodeId: node.id,
    nodeName: node.name,
    status,
    attempt,
    error: t.error ?? null,
    startedAt: t.startedAt?.toISOString() ?? null,
    finishedAt: t.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Publishes the execution as the write that changed it returned it (the row is the truth the live view
 * mirrors; no read after the write). A null row (the write changed nothing) publishes nothing. A later
 * change (e.g. a cancel) publishes itself, and the room never moves backwards.
 */
export async function publishExecutionRow(env: Env, row: ExecutionRow | null, at?: number) {
  if (row) await publishExecution(env, toLiveExecution(row), at);
}
