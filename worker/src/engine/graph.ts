/**
 * Pure checks on a workflow graph: no node types, no I/O. Each returns the problems it finds (empty when
 * fine), so a save reports everything wrong at once.
 */
import type { DocumentProblem, WorkflowEdge, WorkflowNode } from "./workflow-document";

type NodeRef = Pick<WorkflowNode, "id" | "name">;
type EdgeRef = Pick<WorkflowEdge, "id" | "source" | "target" | "sourceHandle">;

export function findDuplicateNodeIds(nodes: NodeRef[]): DocumentProblem[] {
  return duplicates(nodes, (n) => n.id).map((n) => ({
    code: "duplicate_node_id",
    message: `Node id '${n.id}' is used more than once`,
    nodeId: n.id,
    nodeName: n.name,
    field: "id",
  }));
}

export function findDuplicateNodeNames(nodes: NodeRef[]): DocumentProblem[] {
  return duplicates(nodes, (n) => n.name).map((n) => ({
    code: "duplicate_node_name",
    message: `Node name '${n.name}' is used more than once (names must be unique: expressions refer to them)`,
    nodeId: n.id,
    nodeName: n.name,
    field: "name",
  }));
}

export function findDuplicateEdgeIds(edges: EdgeRef[]): DocumentProblem[] {
  return duplicates(edges, (e) => e.id).map((e) => ({
    code: "duplicate_edge_id",
    message: `Edge id '${e.id}' is used more than once`,
    edgeId: e.id,
    field: "id",
  }));
}

/** Two edges joining the same output handle to the same node would run the target twice. */
export function findParallelEdges(edges: EdgeRef[]): DocumentProblem[] {
  return duplicates(edges, (e) => `${e.source}\u0000${e.sourceHandle}\u0000${e.target}`).map((e) => ({
    code: "duplicate_edge",
    message: `Edge '${e.id}' repeats another edge from '${e.source}' (${e.sourceHandle}) to '${e.target}'`,
    edgeId: e.id,
  }));
}

export function findDanglingEdges(nodes: NodeRef[], edges: EdgeRef[]): DocumentProblem[] {
  const ids = new Set(nodes.map((n) => n.id));
  const problems: DocumentProblem[] = [];
  for (const e of edges) {
    for (const end of ["source", "target"] as const) {
      if (!ids.has(e[end])) {
        problems.push({
          code: "dangling_edge",
          message: `Edge '${e.id}' ${end} '${e[end]}' is not a node of this workflow`,
          edgeId: e.id,
          field: end,
        });
      }
    }
  }
  return problems;
}

/**
 * Nodes in an order where every edge goes forward; `cycle` holds the ids that could not be placed
 * (on a cycle or downstream of one).
 * Edges to unknown nodes are ignored (findDanglingEdges reports them).
 */
export function topologicalOrder(nodes: NodeRef[], edges: EdgeRef[]): { order: string[]; cycle: string[] } {
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!indegree.has(e.source) || !indegree.has(e.target)) continue;
    next.get(e.source)!.push(e.target);
    indegree.set(e.target, indegree.get(e.target)! + 1);
  }
  const ready = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const t of next.get(id)!) {
      const left = indegree.get(t)! - 1;
      indegree.set(t, left);
      if (left === 0) ready.push(t);
    }
  }
  const placed = new Set(order);
  return { order, cycle: nodes.filter((n) => !placed.has(n.id)).map((n) => n.id) };
}

export function findCycles(nodes: NodeRef[], edges: EdgeRef[]): DocumentProblem[] {
  const { cycle } = topologicalOrder(nodes, edges);
  if (cycle.length === 0) return [];
  // Kahn's leftovers include nodes merely downstream of a loop; peel off those with no way back
  // (no outgoing edge inside the leftovers) so only nodes on a loop are named.
  const left = new Set(cycle);
  for (let changed = true; changed;) {
    changed = false;
    for (const id of left) {
      if (!edges.some((e) => e.source === id && left.has(e.target))) {
        left.delete(id);
        changed = true;
      }
    }
  }
  return nodes
    .filter((n) => left.has(n.id))
    .map((n) => ({
      code: "cycle",
      message: `Node '${n.name}' is on a cycle; workflows must not loop`,
      nodeId: n.id,
      nodeName: n.name,
    }));
}

/** Every item after the first that shares a key with an earlier one. */
function duplicates<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const repeated: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) repeated.push(item);
    seen.add(k);
  }
  return repeated;
}
