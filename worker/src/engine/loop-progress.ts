/**
 * How far each loop body node got over its elements (`done / total`, failed): what the live view shows
 * while a loop runs and what `GET /api/executions/:id` puts on a body node's record.
 */
import type { LoopProgress, StepStatus } from "../realtime/events";
import { getNodeType } from "../nodes/registry";
import type { Db } from "../storage/db";
import { findWorkflowVersionDocument } from "../storage/executions";
import { getDb } from "../storage/db";
import { countItemSteps, countLoopItems } from "../storage/loops";
import { liveNode } from "./live-state";
import type { LoopRuntime } from "./loop-body";
import { LoopGraph } from "./loop-graph";
import { parseSnapshot, type SnapshotEdge, type SnapshotNode } from "./snapshot";
import { writeStepRecord } from "./step-records";

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

/** Running progress of a loop's batches goes out at most this often (the final state always does). */
export const PROGRESS_INTERVAL_MS = 1000;

/**
 * When a loop's next running progress is due, per loop of a run, in this isolate. A batch of a pure body
 * takes tens of ms, so one publish (a D1 count and a room call) per batch would cost more than the batch;
 * a batch in another isolate simply publishes. Waiting bodies publish per element (an element is slow).
 */
export class ProgressThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs = PROGRESS_INTERVAL_MS) {}

  /** True (and counted as sent) when `key` last published `intervalMs` or more ago, or never. */
  due(key: string, now = Date.now()): boolean {
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.last.set(key, now);
    return true;
  }

  /** The loop ended: its key is not needed any more. */
  forget(key: string) {
    this.last.delete(key);
  }
}

/**
 * Publishes every body node's progress (`done / total`, failures) for the loop's live view, while
 * someone watches. With
 * `final`, each body node gets its final status (error when any element failed there) and a record in
 * `execution_step`, so the execution lists it like any node.
 */
export async function publishProgress(rt: LoopRuntime, loopId: string, final = false) {
  const body = rt.graph.body(loopId);
  // Running progress is only for someone watching: unwatched, not even the D1 count is made.
  if (body.length === 0 || (!final && !rt.ref.live.watched())) return;
  const db = getDb(rt.ref.env.DB);
  const progress = await bodyProgress(db, rt.ref.executionId, rt.graph, body);
  const at = new Date();
  const states = body.map((id) => {
    const node = rt.nodes.get(id)!;
    const items = progress.get(id) ?? { done: 0, failed: 0, total: 0 };
    const status: StepStatus = !final
      ? "running"
      : items.failed > 0
        ? "error"
        : items.done === 0
          ? "skipped"
          : "success";
    const error = items.failed > 0 ? { message: `${items.failed} of ${items.total} elements failed` } : null;
    return {
      node,
      status,
      error,
      state: { ...liveNode(node, status, 0, { finishedAt: final ? at : null, error }), items },
    };
  });
  await Promise.all([
    // Every body node's state in one room call, through the run's publisher: in order with the run's
    // other publishes (a later "running" cannot overtake the final state), and only while watched.
    rt.ref.live.publish(
      states.map((s) => s.state),
      undefined,
      at.getTime(),
    ),
    ...(final
      ? states.map((s) =>
          writeStepRecord(rt.ref, s.node, {
            status: s.status,
            attempts: 0,
            error: s.error,
            startedAt: null,
            finishedAt: at,
          }),
        )
      : []),
  ]);
}
