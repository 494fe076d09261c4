/**
 * `GET /__engine/backlog` (http/engine-backlog.ts): the local supervisor's count of unfinished executions,
 * by status; an unknown route outside development.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/http/app";
import { getDb } from "../src/storage/db";
import { insertExecution } from "../src/storage/executions";
import type { ExecutionStatus } from "../src/storage/statuses";
import { createWorkflow, doc } from "./api-helpers-engine";
import { signUp } from "./helpers";

const app = createApp();
const backlog = async (vars: Partial<Env> = {}) => {
  const res = await app.request("/__engine/backlog", {}, { ...env, ...vars });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("engine backlog", () => {
  it("counts unfinished executions by status and leaves finished ones out", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(
      user,
      doc("Backlog", [{ id: "m", type: "manualTrigger", name: "Start" }], []),
    );
    const before = (await backlog()).body as Record<string, number>;
    const statuses: ExecutionStatus[] = ["queued", "queued", "running", "waiting", "success", "error"];
    for (const status of statuses) {
      await insertExecution(getDb(env.DB), {
        id: crypto.randomUUID(),
        workflowId,
        userId: user.userId,
        version: 1,
        status,
        mode: "manual",
        triggerNodeId: "m",
        triggerData: null,
      });
    }
    const after = await backlog();
    expect(after.status).toBe(200);
    const counts = after.body as Record<string, number>;
    expect({
      queued: counts.queued - before.queued,
      running: counts.running - before.running,
      waiting: counts.waiting - before.waiting,
      unfinished: counts.unfinished - before.unfinished,
    }).toEqual({ queued: 2, running: 1, waiting: 1, unfinished: 4 });
  });

  it("is an unknown route outside development", async () => {
    const res = await backlog({ NODEBASE_ENV: "production" });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });
});
