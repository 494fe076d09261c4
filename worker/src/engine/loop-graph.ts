/**
 * Loops in a workflow graph (pure: no node types, no I/O). A loop node's body is every node reachable
 * from its loop handle (`item` for `forEach`). Bodies nest: a loop inside a body has its own body, which
 * is part of the outer one. The engine plans each level on its own:
 *
 *   top level   every node outside all bodies (a loop node counts as one node there)
 *   body of L   L itself (standing in for the element, as the "trigger" of that plan) + L's direct body,
 *               i.e. L's body minus the bodies of the loops nested in it
 */
import type { DocumentProblem } from "./workflow-document";
import { RunPlan, type PlanEdge, type PlanNode } from "./run-plan";

export interface LoopEdge extends PlanEdge {
  id?: string;
}

export interface LoopNodeRef extends PlanNode {
  /** The loop handle when this node is a loop node (`item`), else undefined. */
  loopHandle?: string;
}

export class LoopGraph {
  /** Loop node id → every node of its body (nested bodies included), in document order. */
  private readonly bodies = new Map<string, string[]>();
  /** Node id → the innermost loop whose body holds it. */
  private readonly owner = new Map<string, string>();
  private readonly order: string[];

  constructor(
    private readonly nodes: readonly LoopNodeRef[],
    private readonly edges: readonly LoopEdge[],
  ) {
    this.order = nodes.map((n) => n.id);
    for (const n of nodes) {
      if (!n.loopHandle) continue;
      const entries = edges.filter((e) => e.source === n.id && handleOf(e) === n.loopHandle);
      const reached = reachable(
        entries.map((e) => e.target),
        edges,
      );
      reached.delete(n.id); // a loop back to its own loop node is a cycle; findCycles names it
      this.bodies.set(
        n.id,
        this.order.filter((id) => reached.has(id)),
      );
    }
    // The innermost owner is the owning loop with the smallest body.
    const bySize = [...this.bodies.entries()].sort((a, b) => b[1].length - a[1].length);
    for (const [loopId, body] of bySize) for (const id of body) this.owner.set(id, loopId);
  }

  isLoop(nodeId: string): boolean {
    return this.bodies.has(nodeId);
  }

  /** Every node of the loop's body, nested bodies included. */
  body(loopId: string): readonly string[] {
    return this.bodies.get(loopId) ?? [];
  }

  /** The innermost loop whose body holds the node, or undefined at the top level. */
  loopOf(nodeId: string): string | undefined {
    return this.owner.get(nodeId);
  }

  /** The nodes that run once per element of this loop: its body minus the bodies nested in it. */
  directBody(loopId: string): string[] {
    return this.body(loopId).filter((id) => this.owner.get(id) === loopId);
  }

  /** The body nodes that take the element as `$json`: the targets of the loop handle's edges. */
  entries(loopId: string): string[] {
    const handle = this.nodes.find((n) => n.id === loopId)?.loopHandle;
    return this.edges.filter((e) => e.source === loopId && handleOf(e) === handle).map((e) => e.target);
  }

  /** Direct-body nodes with no edge to another direct-body node: the candidates for an element's result. */
  sinks(loopId: string): string[] {
    const direct = new Set(this.directBody(loopId));
    return [...direct].filter((id) => !this.edges.some((e) => e.source === id && direct.has(e.target)));
  }

  /** The plan of the nodes outside every loop body. */
  topLevelPlan(triggerNodeId: string): RunPlan {
    const outside = this.nodes.filter((n) => !this.owner.has(n.id));
    return new RunPlan(outside, this.edgesWithin(new Set(outside.map((n) => n.id))), triggerNodeId);
  }

  /**
   * The plan of one element's run: the loop node stands in as the trigger (finish it on its loop handle
   * and the entries start), the direct body follows, a nested loop counts as one node.
   */
  bodyPlan(loopId: string): RunPlan {
    const ids = new Set([loopId, ...this.directBody(loopId)]);
    const handle = this.nodes.find((n) => n.id === loopId)?.loopHandle;
    const edges = this.edgesWithin(ids).filter((e) => e.source !== loopId || handleOf(e) === handle);
    return new RunPlan(
      this.nodes.filter((n) => ids.has(n.id)),
      edges,
      loopId,
    );
  }

  private edgesWithin(ids: Set<string>): LoopEdge[] {
    return this.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  }
}

/**
 * Edges that cross a loop body's boundary. The body is everything reachable from the loop handle, so an
 * edge from a body node to a node that runs after the loop (say after `done`) pulls that node into the
 * body too, where it is also reached from outside. Those doubly-reached nodes, and everything after
 * them, are outside; an edge from the rest of the body into them is the edge that leaves the body. An
 * edge from outside straight into the body (nothing leaves first) is named as entering it.
 */
export function findLeakingEdges(
  nodes: readonly LoopNodeRef[],
  edges: readonly LoopEdge[],
): DocumentProblem[] {
  const graph = new LoopGraph(nodes, edges);
  const nameOf = new Map(nodes.map((n) => [n.id, n.name]));
  const label = (e: LoopEdge) => e.id ?? `${e.source}→${e.target}`;
  const problems: DocumentProblem[] = [];
  for (const loop of nodes) {
    if (!graph.isLoop(loop.id)) continue;
    const body = new Set(graph.body(loop.id));
    const isLoopEntry = (e: LoopEdge) => e.source === loop.id && handleOf(e) === loop.loopHandle;
    const entering = edges.filter((e) => !body.has(e.source) && body.has(e.target) && !isLoopEntry(e));
    if (entering.length === 0) continue;
    const outside = reachable(
      entering.map((e) => e.target),
      edges.filter((e) => body.has(e.target)),
    );
    const leaving = edges.filter(
      (e) => body.has(e.source) && !outside.has(e.source) && outside.has(e.target),
    );
    const loopName = nameOf.get(loop.id);
    for (const e of leaving) {
      problems.push({
        code: "loop_edge_leaves_body",
        message: `Edge '${label(e)}' leads from '${nameOf.get(e.source)}' (in the body of loop '${loopName}') to '${nameOf.get(e.target)}', which is outside it; continue after the loop from its 'done' output`,
        edgeId: e.id,
        nodeId: e.source,
        nodeName: nameOf.get(e.source),
      });
    }
    if (leaving.length > 0) continue;
    for (const e of entering) {
      problems.push({
        code: "loop_edge_enters_body",
        message: `Edge '${label(e)}' leads from '${nameOf.get(e.source)}' into '${nameOf.get(e.target)}', which is in the body of loop '${loopName}'; a body node is reached only through the loop's '${loop.loopHandle}' output`,
        edgeId: e.id,
        nodeId: e.target,
        nodeName: nameOf.get(e.target),
      });
    }
  }
  return problems;
}

function handleOf(e: PlanEdge): string {
  return e.sourceHandle ?? "main";
}

function reachable(starts: string[], edges: readonly PlanEdge[]): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set(starts);
  const queue = [...starts];
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
