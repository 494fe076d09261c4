/**
 * Pure operations on the workflow document the editor holds: unique names and ids, copy and paste as
 * workflow JSON, connection rules and "earlier nodes" for expression completions.
 */
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from "../api/types";

/** "Set", then "Set 1", "Set 2", … : the first name not taken (names are unique within a workflow). */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  const stem = base.trim() || "Node";
  if (!names.has(stem)) return stem;
  for (let i = 1; ; i++) if (!names.has(`${stem} ${i}`)) return `${stem} ${i}`;
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function randomId(prefix: string, length = 8): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return prefix + Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join("");
}

export function uniqueId(prefix: string, taken: Set<string>): string {
  for (;;) {
    const id = randomId(prefix);
    if (!taken.has(id)) return id;
  }
}

/** The part of a document made of the given nodes and the edges between them (what Copy puts out). */
export function extractFragment(doc: WorkflowDocument, nodeIds: Set<string>): WorkflowDocument {
  return {
    name: doc.name,
    nodes: doc.nodes.filter((n) => nodeIds.has(n.id)).map((n) => ({ ...n, webhookId: undefined })),
    edges: doc.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target)),
  };
}

/** Reads pasted text as workflow JSON: a whole document, `{ nodes, edges }`, a node list or one node. */
export function parseFragment(text: string): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const raw = value as { nodes?: unknown; edges?: unknown } | null;
  const nodes: unknown[] = Array.isArray(value)
    ? value
    : Array.isArray(raw?.nodes)
      ? raw.nodes
      : isNodeLike(value)
        ? [value]
        : [];
  if (nodes.length === 0 || !nodes.every(isNodeLike)) return null;
  const edges = (Array.isArray(raw?.edges) ? raw.edges : []).filter(isEdgeLike);
  return { nodes: nodes as WorkflowNode[], edges: edges as WorkflowEdge[] };
}

function isNodeLike(value: unknown): boolean {
  const v = value as Partial<WorkflowNode> | null;
  return typeof v === "object" && v !== null && typeof v.type === "string" && typeof v.id === "string";
}

function isEdgeLike(value: unknown): boolean {
  const v = value as Partial<WorkflowEdge> | null;
  return typeof v?.source === "string" && typeof v?.target === "string";
}

/**
 * Pasted nodes get fresh ids and unique names and are moved by `offset`; their edges follow the new ids
 * (edges to nodes outside the fragment are dropped). Server-assigned webhook ids are not copied.
 */
export function prepareFragment(
  fragment: { nodes: WorkflowNode[]; edges: WorkflowEdge[] },
  existing: WorkflowDocument,
  offset: { x: number; y: number },
): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  const ids = new Set(existing.nodes.map((n) => n.id));
  const edgeIds = new Set(existing.edges.map((e) => e.id));
  const names = new Set(existing.nodes.map((n) => n.name));
  const idMap = new Map<string, string>();
  const nodes = fragment.nodes.map((node) => {
    const id = uniqueId("n_", ids);
    ids.add(id);
    idMap.set(node.id, id);
    const name = uniqueName(node.name || node.type, names);
    names.add(name);
    const position = node.position ?? { x: 0, y: 0 };
    return {
      ...node,
      id,
      name,
      webhookId: undefined,
      parameters: structuredClone(node.parameters ?? {}),
      position: { x: position.x + offset.x, y: position.y + offset.y },
    };
  });
  const edges = fragment.edges.flatMap((edge) => {
    const source = idMap.get(edge.source);
    const target = idMap.get(edge.target);
    if (!source || !target) return [];
    const id = uniqueId("e_", edgeIds);
    edgeIds.add(id);
    return [{ id, source, target, sourceHandle: edge.sourceHandle ?? "main" }];
  });
  return { nodes, edges };
}

/** What graph walks need of an edge. */
type EdgeEnds = Pick<WorkflowEdge, "source" | "target">;

/** True when an edge source → target would close a loop (workflows are acyclic). */
export function wouldCreateCycle(edges: EdgeEnds[], source: string, target: string): boolean {
  if (source === target) return true;
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/** Ids of every node that can run before `nodeId` (its ancestors), nearest first. */
export function upstreamNodeIds(edges: EdgeEnds[], nodeId: string): string[] {
  const previous = new Map<string, string[]>();
  for (const e of edges) previous.set(e.target, [...(previous.get(e.target) ?? []), e.source]);
  const order: string[] = [];
  const seen = new Set<string>([nodeId]);
  let frontier = [nodeId];
  while (frontier.length) {
    const nextFrontier: string[] = [];
    for (const id of frontier) {
      for (const p of previous.get(id) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        order.push(p);
        nextFrontier.push(p);
      }
    }
    frontier = nextFrontier;
  }
  return order;
}

/** A new node's place: right of the rightmost selected node, or where the person dropped/asked. */
export function bottomRightOf(nodes: WorkflowNode[]): { x: number; y: number } {
  if (nodes.length === 0) return { x: 0, y: 0 };
  const maxX = Math.max(...nodes.map((n) => n.position.x));
  const rightmost = nodes.find((n) => n.position.x === maxX)!;
  return { x: maxX + 260, y: rightmost.position.y };
}
