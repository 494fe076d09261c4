/** Converts execution and step rows into the live-state shapes the rooms hold and sockets receive. */
import type { LiveExecutionState, LiveNodeState } from "../realtime/events";
import type { ExecutionRow, StepRow } from "../storage/executions";

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

export function toLiveNode(row: StepRow): LiveNodeState {
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
