/**
 * RunPlan: which nodes of a workflow graph may run next, which are skipped, and what each node receives
 * as input. Pure (no I/O, no clock), so the durable run can replay it and get the same decisions.
 *
 * Rules:
 * - Only nodes reachable from the trigger that started the run take part; edges from other nodes
 *   (another trigger, a disconnected island) are ignored.
 * - An edge is *taken* when its source finished and took that edge's handle (`main` by default; `if` and
 *   `switch` name theirs). A node that failed with `onError: "continue"` takes every outgoing edge.
 * - An edge is *dead* when its source was skipped or finished on another handle.
 * - A node runs once no incoming edge is pending and at least one is taken; it is skipped when every
 *   incoming edge is dead (and the skip propagates to nodes that only it feeds).
 */

export interface PlanNode {
  id: string;
  name: string;
}

export interface PlanEdge {
  source: string;
  target: string;
  sourceHandle?: string | null;
}

/** How a node ended: finished on `branch` (`"*"` = every outgoing edge), or skipped. */
export type NodeOutcome = { kind: "done"; branch: string } | { kind: "skipped" };

/** Handle value meaning "every outgoing edge is taken" (a failed node whose errors continue the run). */
export const ALL_BRANCHES = "*";

export interface NextNodes {
  /** Nodes whose inputs are all settled and at least one was taken: start them. */
  run: string[];
  /** Nodes every incoming edge of which is dead: record them `skipped`. */
  skip: string[];
}

export class RunPlan {
  /** Node ids reachable from the trigger, in document order. */
  readonly nodeIds: string[];
  private readonly incoming = new Map<string, PlanEdge[]>();

  constructor(
    nodes: readonly PlanNode[],
    edges: readonly PlanEdge[],
    readonly triggerNodeId: string,
  ) {
    if (!nodes.some((n) => n.id === triggerNodeId)) {
      throw new Error(`The trigger node '${triggerNodeId}' is not in this workflow`);
    }
    const reachable = reachableFrom(triggerNodeId, edges);
    this.nodeIds = nodes.map((n) => n.id).filter((id) => reachable.has(id));
    for (const id of this.nodeIds) this.incoming.set(id, []);
    for (const e of edges) {
      if (reachable.has(e.source) && reachable.has(e.target)) this.incoming.get(e.target)!.push(e);
    }
  }

  /**
   * The nodes to start or skip now, given what has finished (`outcomes`) and what was already started.
   * Call again after every outcome; an empty answer with nothing in flight means the run is over.
   */
  next(outcomes: ReadonlyMap<string, NodeOutcome>, started: ReadonlySet<string>): NextNodes {
    const run: string[] = [];
    const skip: string[] = [];
    for (const id of this.nodeIds) {
      if (started.has(id) || outcomes.has(id)) continue;
      if (id === this.triggerNodeId) {
        run.push(id);
        continue;
      }
      const states = this.incoming.get(id)!.map((e) => edgeState(e, outcomes));
      if (states.length === 0 || states.includes("pending")) continue;
      if (states.includes("taken")) run.push(id);
      else skip.push(id);
    }
    return { run, skip };
  }

  /** Sources of the taken edges into `nodeId`, in edge order, without repeats: what feeds its input. */
  takenSources(nodeId: string, outcomes: ReadonlyMap<string, NodeOutcome>): string[] {
    const sources: string[] = [];
    for (const e of this.incoming.get(nodeId) ?? []) {
      if (edgeState(e, outcomes) === "taken" && !sources.includes(e.source)) sources.push(e.source);
    }
    return sources;
  }

  /** Every source of an incoming edge into `nodeId` (taken or not), without repeats. */
  sourcesOf(nodeId: string): string[] {
    return [...new Set((this.incoming.get(nodeId) ?? []).map((e) => e.source))];
  }

  includes(nodeId: string): boolean {
    return this.incoming.has(nodeId);
  }
}

function edgeState(e: PlanEdge, outcomes: ReadonlyMap<string, NodeOutcome>): "pending" | "taken" | "dead" {
  const source = outcomes.get(e.source);
  if (!source) return "pending";
  if (source.kind === "skipped") return "dead";
  if (source.branch === ALL_BRANCHES) return "taken";
  return (e.sourceHandle ?? "main") === source.branch ? "taken" : "dead";
}

function reachableFrom(start: string, edges: readonly PlanEdge[]): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of out.get(queue.shift()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
