/** Scenario helpers for executions: create a workflow through the API, run it, wait for its record. */
import { expect } from "vitest";
import { isFinishedExecution } from "../src/storage/statuses";
import type { TestNode } from "./engine-fixtures";
import type { TestUser } from "./helpers";

/** A node as the workflows API takes it (position defaults to a row, parameters to {}). */
export type DocNode = TestNode;

export function doc(name: string, nodes: DocNode[], edges: [string, string, string?][]) {
  return {
    name,
    nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, parameters: {}, ...n })),
    edges: edges.map(([source, target, sourceHandle], i) => ({
      id: `e${i}`,
      source,
      target,
      sourceHandle: sourceHandle ?? "main",
    })),
  };
}

export async function createWorkflow(user: TestUser, document: ReturnType<typeof doc>): Promise<string> {
  const res = await user.fetch("/api/workflows", { method: "POST", json: document });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

export async function runWorkflow(user: TestUser, workflowId: string, body?: unknown): Promise<string> {
  const res = await user.fetch(`/api/workflows/${workflowId}/run`, {
    method: "POST",
    ...(body === undefined ? {} : { json: body }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { executionId: string }).executionId;
}

export interface ExecutionBody {
  id: string;
  workflowId: string;
  version: number;
  status: string;
  mode: string;
  retryOf: string | null;
  error: { message: string; nodeId?: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
  triggerData: unknown;
  steps: {
    nodeId: string;
    nodeName: string;
    status: string;
    attempts: number;
    input: unknown;
    output: unknown;
    error: { message: string } | null;
    logs: { level: string; message: string }[] | null;
    startedAt: string | null;
    finishedAt: string | null;
  }[];
}

export async function getExecution(user: TestUser, id: string): Promise<ExecutionBody> {
  const res = await user.fetch(`/api/executions/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ExecutionBody;
}

/** Polls GET /api/executions/:id until `until(execution)` holds (default: finished), up to 20 s. */
export async function waitFor(
  user: TestUser,
  id: string,
  until: (e: ExecutionBody) => boolean = (e) => isFinishedExecution(e.status),
): Promise<ExecutionBody> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const e = await getExecution(user, id);
    if (until(e)) return e;
    if (Date.now() > deadline) throw new Error(`execution ${id} stayed ${e.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const stepOf = (e: ExecutionBody, nodeId: string) => e.steps.find((s) => s.nodeId === nodeId);
