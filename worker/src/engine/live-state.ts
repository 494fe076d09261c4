/**
 * Live state: the shapes the rooms hold and sockets receive, made from execution and step rows or from a
 * node of the run, and the one function that publishes an execution row.
 */
import type { LiveExecutionState, LiveNodeState, NodeSizes, StepStatus } from "../realtime/events";
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
    sizes: { inputBytes: row.inputBytes, outputBytes: row.outputBytes },
  };
}

/** A node's live state as the engine knows it inside a step (without reading its row back). */
export function liveNode(
  node: SnapshotNode,
  status: StepStatus,
  attempt: number,
  t: {
    startedAt?: Date | null;
    finishedAt?: Date | null;
    error?: { message: string } | null;
    sizes?: NodeSizes;
  },
): LiveNodeState {
  return {
    nodeId: node.id,
    nodeName: node.name,
    status,
    attempt,
    error: t.error ?? null,
    startedAt: t.startedAt?.toISOString() ?? null,
    finishedAt: t.finishedAt?.toISOString() ?? null,
    ...(t.sizes ? { sizes: t.sizes } : {}),
  };
}

/**
 * The sizes of a record the engine holds in memory (the values it writes), as D1 will store them, for
 * live messages. Only while someone watches: measuring is one JSON serialisation of each value, which
 * an unwatched run has no use for.
 */
export function recordSizes(
  live: { watched(): boolean },
  input: unknown,
  output: unknown,
): NodeSizes | undefined {
  if (!live.watched()) return undefined;
  return { inputBytes: storedBytes(input), outputBytes: storedBytes(output) };
}

/** UTF-8 bytes of the JSON a record stores for `value` (what D1's `length(CAST(x AS BLOB))` counts). */
export function storedBytes(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}

/**
 * Publishes the execution as the write that changed it returned it (the row is the truth the live view
 * mirrors; no read after the write). A null row (the write changed nothing) publishes nothing. A later
 * change (e.g. a cancel) publishes itself, and the room never moves backwards.
 */
export async function publishExecutionRow(env: Env, row: ExecutionRow | null, at?: number) {
  if (row) await publishExecution(env, toLiveExecution(row), at);
}
