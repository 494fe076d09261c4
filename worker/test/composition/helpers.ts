/** Helpers for the composition scenario tests: workflows with settings, and runs of one workflow. */
import { expect } from "vitest";
import { doc, type ExecutionBody } from "../api-helpers-engine";
import { eventually } from "../engine-fixtures";
import type { TestUser } from "../helpers";

export async function createWithSettings(
  user: TestUser,
  document: ReturnType<typeof doc>,
  settings: Record<string, unknown>,
): Promise<string> {
  const res = await user.fetch("/api/workflows", { method: "POST", json: { ...document, settings } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The executions of one workflow, newest first. */
export async function executionsOf(user: TestUser, workflowId: string): Promise<ExecutionBody[]> {
  const res = await user.fetch(`/api/executions?workflowId=${workflowId}&limit=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ExecutionBody[] }).items;
}

/** Waits until the workflow has `count` finished executions, and returns them. */
export function finishedRunsOf(user: TestUser, workflowId: string, count = 1) {
  return eventually(async () => {
    const items = await executionsOf(user, workflowId);
    const done = items.filter((e) => ["success", "error", "canceled"].includes(e.status));
    return done.length >= count ? done : null;
  }, `${count} finished run(s) of ${workflowId}`);
}
