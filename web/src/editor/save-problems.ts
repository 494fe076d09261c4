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
    return [{ nodeId, field, message: stripPrefix(message, field) }];
  });
}

/** "Fetch: parameters.url: Invalid URL" → "Invalid URL" when shown under the url field itself. */
function stripPrefix(message: string, field: string | undefined): string {
  if (!field) return message;
  const at = message.indexOf(`${field}: `);
  return at === -1 ? message : message.slice(at + field.length + 2);
}

export function problemsByNode(problems: SaveProblem[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of problems) {
    if (!p.nodeId) continue;
    map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p.field ? `${p.field}: ${p.message}` : p.message]);
  }
  return map;
}
