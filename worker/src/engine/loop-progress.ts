/**
 * How far each loop body node got over its elements (`done / total`, failed): what the live view shows
 * while a loop runs and what `GET /api/executions/:id` puts on a body node's record.
 */
import type { LoopProgress } from "../realtime/events";
import { getNodeType } from "../nodes/registry";
import type { Db } from "../storage/db";
import { findWorkflowVersionDocument } from "../storage/executions";
import { countItemSteps, countLoopItems } from "../storage/loops";
import { LoopGraph } from "./loop-graph";
import { parseSnapshot, type SnapshotEdge, type SnapshotNode } from "./snapshot";

export function loopGraphOf(nodes: readonly SnapshotNode[], edges: readonly SnapshotEdge[]): LoopGraph {
  return new LoopGraph(
    nodes.map((n) => ({ id: n.id, name: n.name, loopHandle: getNodeType(n.type)?.loopHandle })),
    edges,
  );
}

/** Progress of the given body nodes (all of the run's when omitted). A node's total is its loop's elements. */
export async function bodyProgress(
  db: Db,
  executionId: string,
  graph: LoopGraph,
  nodeIds?: readonly string[],
): Promise<Map<string, LoopProgress>> {
  const [counts, totals] = await Promise.all([
    countItemSteps(db, executionId, nodeIds),
    countLoopItems(db, executionId),
  ]);
  const progress = new Map<string, LoopProgress>();
  for (const id of nodeIds ?? [...counts.keys()]) {
    const loopId = graph.loopOf(id);
    if (!loopId) continue;
    const c = counts.get(id) ?? { done: 0, failed: 0 };
    progress.set(id, { done: c.done, failed: c.failed, total: totals.get(loopId) ?? 0 });
  }
  return progress;
}

/** For reading an execution: the progress of its body nodes, or an empty map when it ran no loop. */
export async function executionBodyProgress(
  db: Db,
  execution: { id: string; workflowId: string; version: number },
): Promise<Map<string, LoopProgress>> {
  const counts = await countItemSteps(db, execution.id);
  if (counts.size === 0) return new Map();
  const document = await findWorkflowVersionDocument(db, execution.workflowId, execution.version);
  if (document === null) return new Map();
  const snapshot = parseSnapshot(document);
  return bodyProgress(db, execution.id, loopGraphOf(snapshot.nodes, snapshot.edges), [...counts.keys()]);
}
