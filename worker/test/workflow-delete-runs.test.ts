/**
 * Deleting a workflow stops its runs first: a run in a durable wait has its Workflow instance terminated
 * (it would otherwise wake up later and call the outside world for a workflow that no longer exists).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../src/storage/db";
import { findExecution } from "../src/storage/executions";
import { eventually } from "./engine-fixtures";
import { signUp } from "./helpers";

describe("DELETE /api/workflows/:id with runs in flight", { timeout: 30_000 }, () => {
  it("terminates the instance of a waiting run, then deletes the workflow and its executions", async () => {
    const user = await signUp();
    const created = await user.fetch("/api/workflows", {
      method: "POST",
      json: {
        name: "Approval",
        nodes: [
          { id: "m", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} },
          {
            id: "e",
            type: "waitForEvent",
            name: "Approval",
            position: { x: 200, y: 0 },
            parameters: { event: "ok", timeoutSeconds: 3600 },
          },
        ],
        edges: [{ id: "e1", source: "m", target: "e", sourceHandle: "main" }],
      },
    });
    const { id } = (await created.json()) as { id: string };
    const run = await user.fetch(`/api/workflows/${id}/run`, { method: "POST", json: {} });
    const { executionId } = (await run.json()) as { executionId: string };
    await eventually(
      async () => (await findExecution(getDb(env.DB), executionId))?.status === "waiting",
      "the run to wait",
    );

    const res = await user.fetch(`/api/workflows/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    const instance = await env.RUN_WORKFLOW.get(executionId);
    expect((await instance.status()).status).toBe("terminated");
    expect(await findExecution(getDb(env.DB), executionId)).toBeNull();
    expect((await user.fetch(`/api/workflows/${id}`)).status).toBe(404);
  });

  it("another user's workflow: 404, and its runs go on", async () => {
    const owner = await signUp();
    const other = await signUp();
    const created = await owner.fetch("/api/workflows", {
      method: "POST",
      json: {
        name: "Mine",
        nodes: [{ id: "m", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} }],
        edges: [],
      },
    });
    const { id } = (await created.json()) as { id: string };
    expect((await other.fetch(`/api/workflows/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await owner.fetch(`/api/workflows/${id}`)).status).toBe(200);
  });
});
