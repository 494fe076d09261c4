/**
 * A refused save (400/422) carries `details: [{ nodeId?, nodeName?, edgeId?, field?, message }]`. These
 * helpers put each problem on its node and field (`parameters.url`), so the canvas marks the node and the
 * panel shows the message under the field.
 */
import type { WorkflowNode } from "../api/types";

export interface SaveProblem {
  nodeId?: string;
  field?: string;
  message: string;
}

export function problemsFromDetails(details: unknown, nodes: WorkflowNode[]): SaveProblem[] {
  if (!Array.isArray(details)) return [];
  const idByName = new Map(nodes.map((n) => [n.name, n.id]));
  const ids = new Set(nodes.map((n) => n.id));
  return details.flatMap((raw): SaveProblem[] => {
    if (typeof raw !== "object" || raw === null) return [];
    const d = raw as {
      nodeId?: unknown;
      nodeName?: unknown;
      field?: unknown;
      path?: unknown;
      message?: unknown;
    };
    const message = typeof d.message === "string" ? d.message : "Invalid value";
    let nodeId = typeof d.nodeId === "string" && ids.has(d.nodeId) ? d.nodeId : undefined;
    if (!nodeId && typeof d.nodeName === "string") nodeId = idByName.get(d.nodeName);
    let field = typeof d.field === "string" ? d.field : undefined;
    // Some answers give a path array (["nodes", 2, "parameters", "url"]) instead of nodeId + field.
    if (!field && Array.isArray(d.path)) {
      const path = d.path.map(String);
      if (path[0] === "nodes" && /^\d+$/.test(path[1] ?? "")) {
        nodeId ??= nodes[Number(path[1])]?.id;
        field = path.slice(2).join(".") || undefined;
      } else {
        field = path.join(".") || undefined;
      }
    }
    const nodeName = typeof d.nodeName === "string" ? d.nodeName : undefined;
    return [{ nodeId, field, message: stripPrefix(message, field, nodeName) }];
  });
}

/**
 * Shown under the field itself, a message needs neither the node's name nor the field's path in front:
 * "Fetch: URL is required" → "URL is required"; "Fetch: parameters.url: Invalid URL" → "Invalid URL".
 */
function stripPrefix(message: string, field: string | undefined, nodeName: string | undefined): string {
  let text = message;
  if (nodeName && text.startsWith(`${nodeName}: `)) text = text.slice(nodeName.length + 2);
  if (field && text.startsWith(`${field}: `)) text = text.slice(field.length + 2);
  return text;
}

export function problemsByNode(problems: SaveProblem[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of problems) {
    if (!p.nodeId) continue;
    // Server messages name their field in words ("URL is required"), so no raw path is added.
    map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p.message]);
  }
  return map;
}
