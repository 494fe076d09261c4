/** Test helper for the connector converters' tests: one n8n node imported between a trigger and a Set. */
import { expect } from "vitest";
import { validateWorkflowDocument } from "../engine/validate-workflow";
import { getNodeType } from "../nodes/registry";
import { convertN8nWorkflow } from "./convert";
const options = { workflowIdByName: () => undefined, hasType: (t: string) => getNodeType(t) !== undefined };

/** Manual trigger → the node → a Set that reads the node's output, as n8n exports them. */
export function importOne(node: Record<string, unknown>, next?: Record<string, unknown>) {
  const nodes = [
    { name: "Start", type: "n8n-nodes-base.manualTrigger", typeVersion: 1, position: [0, 0], parameters: {} },
    { name: "App", position: [220, 0], parameters: {}, ...node },
    ...(next
      ? [{ name: "Next", type: "n8n-nodes-base.set", typeVersion: 3.4, position: [440, 0], ...next }]
      : []),
  ];
  const connections: Record<string, unknown> = {
    Start: { main: [[{ node: "App", type: "main", index: 0 }]] },
    ...(next ? { App: { main: [[{ node: "Next", type: "main", index: 0 }]] } } : {}),
  };
  const { document, report } = convertN8nWorkflow({ name: "t", nodes, connections }, options);
  const check = validateWorkflowDocument(document);
  expect(check.ok ? [] : check.problems).toEqual([]);
  const app = document.nodes.find((n) => n.name === "App")!;
  return { app, entry: report.find((r) => r.nodeName === "App")!, document };
}

export const rl = (value: string, mode = "list", cachedResultName?: string) => ({
  __rl: true,
  value,
  mode,
  ...(cachedResultName && { cachedResultName }),
});
export const withCredential = (type: string) => ({ credentials: { [type]: { id: "1", name: "account" } } });
