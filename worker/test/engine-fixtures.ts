/**
 * Engine test fixtures: a saved workflow (rows `workflow` + `workflow_version`, what the engine reads)
 * for a signed-up user, and a wait for an execution to end. Scenario tests that go through the
 * workflows API do not need these.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getDb } from "../src/storage/db";
import { workflow, workflowVersion } from "../src/storage/schema";
import { waitForExecution } from "../src/engine/wait-for-execution";
import { findExecution, listSteps } from "../src/storage/executions";

export interface TestNode {
  id: string;
  type: string;
  name: string;
  parameters?: Record<string, unknown>;
  retry?: { maxAttempts: number; backoff: "exponential" | "constant"; delayMs: number };
  onError?: "stop" | "continue" | "errorOutput";
  credentialId?: string;
}
export interface TestEdge {
  source: string;
  target: string;
  sourceHandle?: string;
}

/** Saves `nodes`/`edges` as version 1 (or the next version of `workflowId`) and returns the workflow id. */
export async function saveWorkflow(
  userId: string,
  doc: { nodes: TestNode[]; edges: TestEdge[] },
  workflowId: string = crypto.randomUUID(),
): Promise<string> {
  const d = getDb(env.DB);
  const existing = await d.query.workflow.findFirst({ where: (w, { eq }) => eq(w.id, workflowId) });
  const version = existing ? existing.version + 1 : 1;
  if (existing) {
    await d.update(workflow).set({ version }).where(eq(workflow.id, workflowId));
  } else {
    await d.insert(workflow).values({ id: workflowId, userId, name: "Test", version });
  }
  const document = {
    name: "Test",
    nodes: doc.nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, parameters: {}, ...n })),
    edges: doc.edges.map((e, i) => ({ id: `e${i}`, sourceHandle: "main", ...e })),
  };
  await d.insert(workflowVersion).values({ id: crypto.randomUUID(), workflowId, version, document });
  return workflowId;
}

/** A chain of edges a → b → c … on the `main` handle. */
export const chain = (...ids: string[]): TestEdge[] =>
  ids.slice(1).map((id, i) => ({ source: ids[i], target: id }));

/** Waits (up to 20 s) for the execution to end and returns its row and steps by node id. */
export async function finished(executionId: string) {
  const done = await waitForExecution(env, executionId, 20_000);
  if (!done) {
    const row = await findExecution(getDb(env.DB), executionId);
    throw new Error(`execution ${executionId} did not finish (status ${row?.status})`);
  }
  return { execution: done.execution, steps: await stepsById(executionId), lastNode: done.lastNode };
}

export async function stepsById(executionId: string) {
  const steps = await listSteps(getDb(env.DB), executionId);
  return Object.fromEntries(steps.map((s) => [s.nodeId, s]));
}

/** Polls until `check` returns a truthy value (up to 20 s). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
