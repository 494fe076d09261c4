/**
 * What restoring a saved version would change in the current document, in words a person reads:
 * nodes added back, nodes removed, nodes whose settings differ (and which), connections added or removed.
 * Pure: the History panel draws it.
 */
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from "../api/types";

export interface NodeChange {
  id: string;
  name: string;
  /** e.g. `name`, `parameters.url`, `credential`, `position` */
  fields: string[];
}

export interface VersionDiff {
  /** In the version, not in the current document: restoring adds them back. */
  added: WorkflowNode[];
  /** In the current document, not in the version: restoring removes them. */
  removed: WorkflowNode[];
  changed: NodeChange[];
  /** Connections as "Source → Target" (with the handle when it is not `main`). */
  connected: string[];
  disconnected: string[];
  renamedFrom?: string;
}

export function diffVersion(current: WorkflowDocument, version: WorkflowDocument): VersionDiff {
  const now = new Map(current.nodes.map((n) => [n.id, n]));
  const then = new Map(version.nodes.map((n) => [n.id, n]));
  const changed: NodeChange[] = [];
  for (const old of version.nodes) {
    const cur = now.get(old.id);
    if (!cur) continue;
    const fields = changedFields(cur, old);
    if (fields.length > 0) changed.push({ id: old.id, name: old.name, fields });
  }
  const edgeKey = (e: WorkflowEdge) => `${e.source}\u0000${e.target}\u0000${e.sourceHandle ?? "main"}`;
  const names = new Map([...now, ...then].map(([id, n]) => [id, n.name]));
  const describe = (e: WorkflowEdge) => {
    const handle = e.sourceHandle && e.sourceHandle !== "main" ? ` (${e.sourceHandle})` : "";
    return `${names.get(e.source) ?? e.source}${handle} → ${names.get(e.target) ?? e.target}`;
  };
  const nowEdges = new Set(current.edges.map(edgeKey));
  const thenEdges = new Set(version.edges.map(edgeKey));
  return {
    added: version.nodes.filter((n) => !now.has(n.id)),
    removed: current.nodes.filter((n) => !then.has(n.id)),
    changed,
    connected: version.edges.filter((e) => !nowEdges.has(edgeKey(e))).map(describe),
    disconnected: current.edges.filter((e) => !thenEdges.has(edgeKey(e))).map(describe),
    ...(current.name !== version.name ? { renamedFrom: version.name } : {}),
  };
}

export const isEmptyDiff = (d: VersionDiff) =>
  d.added.length + d.removed.length + d.changed.length + d.connected.length + d.disconnected.length === 0;

function changedFields(a: WorkflowNode, b: WorkflowNode): string[] {
  const fields: string[] = [];
  if (a.name !== b.name) fields.push("name");
  if (a.type !== b.type) fields.push("type");
  const keys = new Set([...Object.keys(a.parameters ?? {}), ...Object.keys(b.parameters ?? {})]);
  for (const key of [...keys].sort()) {
    if (!sameJson(a.parameters?.[key], b.parameters?.[key])) fields.push(`parameters.${key}`);
  }
  if ((a.credentialId ?? null) !== (b.credentialId ?? null)) fields.push("credential");
  if (!sameJson(a.retry ?? null, b.retry ?? null)) fields.push("retry");
  if ((a.onError ?? "stop") !== (b.onError ?? "stop")) fields.push("onError");
  if (a.position.x !== b.position.x || a.position.y !== b.position.y) fields.push("position");
  return fields;
}

/** Equal as JSON, whatever the key order. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}
