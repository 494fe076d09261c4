/**
 * "Run to here" (`POST /api/workflows/:id/run?until=<nodeId>`): the part of the graph a run to `until`
 * needs. That is `until` and every node on a path to it — but not the nodes upstream of a pinned node,
 * which does not run (its pin is its output) and so needs no input — plus the trigger, which always
 * runs. Nothing after or beside `until` takes part. Pure: the durable run computes it again on replay.
 *
 * A pinned node whose own inputs were cut away is fed by an edge from the trigger, so the plan (which
 * starts at the trigger) reaches it; its output is its pin whatever comes in.
 */
import type { PlanEdge } from "./run-plan";

export interface UntilGraph<E extends PlanEdge> {
  nodeIds: Set<string>;
  edges: E[];
}

export function graphUntil<E extends PlanEdge>(
  edges: readonly E[],
  triggerNodeId: string,
  until: string,
  pinned: ReadonlySet<string>,
  feed: (pinnedNodeId: string) => E,
): UntilGraph<E> {
  const needed = new Set([until]);
  const queue = [until];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (pinned.has(id) && id !== triggerNodeId) continue;
    for (const e of edges) {
      if (e.target === id && !needed.has(e.source)) {
        needed.add(e.source);
        queue.push(e.source);
      }
    }
  }
  needed.add(triggerNodeId);
  const kept = edges.filter(
    (e) =>
      needed.has(e.source) && needed.has(e.target) && !(pinned.has(e.target) && e.target !== triggerNodeId),
  );
  const fed = [...needed].filter((id) => pinned.has(id) && id !== triggerNodeId).map((id) => feed(id));
  return { nodeIds: needed, edges: [...kept, ...fed] };
}
