/** Shared steps of the trigger scenario tests: credentials and workflows created through the real API. */
import { expect } from "vitest";
import type { TestUser } from "./helpers";

export interface SavedNode {
  id: string;
  type: string;
  name: string;
  webhookId?: string | null;
}

export async function createCredential(
  user: TestUser,
  type: string,
  data: Record<string, unknown>,
): Promise<string> {
  const res = await user.fetch("/api/credentials", {
    method: "POST",
    json: { name: `${type} test`, type, data },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Saves a workflow (nodes chained in order) and optionally activates it; returns its id and saved nodes. */
export async function createWorkflow(
  user: TestUser,
  nodes: {
    id: string;
    type: string;
    name: string;
    parameters?: Record<string, unknown>;
    credentialId?: string;
  }[],
  opts: { active?: boolean } = {},
) {
  const document = {
    name: "Trigger scenario",
    nodes: nodes.map((n, i) => ({ parameters: {}, position: { x: i * 240, y: 0 }, ...n })),
    edges: nodes
      .slice(1)
      .map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id, sourceHandle: "main" })),
  };
  const res = await user.fetch("/api/workflows", { method: "POST", json: document });
  expect(res.status).toBe(201);
  const workflow = (await res.json()) as { id: string; nodes: SavedNode[] };
  if (opts.active ?? true) {
    const activated = await user.fetch(`/api/workflows/${workflow.id}/activate`, { method: "POST" });
    expect(activated.status).toBe(200);
  }
  return workflow;
}

export function webhookIdOf(workflow: { nodes: SavedNode[] }, nodeId: string): string {
  const webhookId = workflow.nodes.find((n) => n.id === nodeId)?.webhookId;
  if (!webhookId) throw new Error(`node ${nodeId} has no webhookId`);
  return webhookId;
}
