/**
 * Retention: `DELETE /api/executions/:id`, the cron handler's pruning of old executions, and
 * `settings.saveSuccessfulRuns: "none"` (successful runs deleted, failed ones kept).
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { pruneExecutions, retentionDays } from "../src/engine/retention";
import { getDb } from "../src/storage/db";
import { insertExecution } from "../src/storage/executions";
import { executionStep, workflowExecution } from "../src/storage/schema";
import { createWorkflow, doc, runWorkflow, waitFor } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

const DAY_MS = 24 * 60 * 60_000;
const db = () => getDb(env.DB);

const doubler = (settings?: Record<string, unknown>) => ({
  ...doc(
    "Double",
    [
      { id: "m", type: "manualTrigger", name: "Start" },
      { id: "d", type: "set", name: "Double", parameters: { fields: { n: "{{ $json.n * 2 }}" } } },
    ],
    [["m", "d"]],
  ),
  ...(settings && { settings }),
});

async function finishedRow(user: TestUser, workflowId: string, status: string, ageDays: number) {
  const id = crypto.randomUUID();
  const at = new Date(Date.now() - ageDays * DAY_MS);
  await insertExecution(db(), {
    id,
    workflowId,
    userId: user.userId,
    version: 1,
    status: status as "success",
    mode: "manual",
    triggerNodeId: "m",
    createdAt: at,
    finishedAt: status === "running" ? null : at,
  });
  await db()
    .insert(executionStep)
    .values({ executionId: id, nodeId: "m", nodeName: "Start", status: "success" });
  return id;
}

const exists = async (id: string) =>
  (await db().select().from(workflowExecution).where(eq(workflowExecution.id, id))).length > 0;

describe("DELETE /api/executions/:id", () => {
  it("deletes a finished execution of its owner with its steps; 404 for anyone else or a second time", async () => {
    const owner = await signUp();
    const other = await signUp();
    const wf = await createWorkflow(owner, doubler());
    const id = await runWorkflow(owner, wf, { n: 2 });
    await waitFor(owner, id);

    expect((await other.fetch(`/api/executions/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await owner.fetch(`/api/executions/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await owner.fetch(`/api/executions/${id}`)).status).toBe(404);
    expect(await db().select().from(executionStep).where(eq(executionStep.executionId, id))).toEqual([]);
    const again = await owner.fetch(`/api/executions/${id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("refuses an unfinished execution with 409 and keeps it", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, doubler());
    const id = await finishedRow(user, wf, "running", 0);
    const res = await user.fetch(`/api/executions/${id}`, { method: "DELETE" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: { code: "execution_unfinished", message: expect.stringMatching(/running: cancel it/) },
    });
    expect(await exists(id)).toBe(true);
  });
});

describe("pruning (cron handler)", () => {
  it("deletes finished executions older than EXECUTION_RETENTION_DAYS, never an unfinished one", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, doubler());
    const old = await finishedRow(user, wf, "error", 31);
    const recent = await finishedRow(user, wf, "success", 29);
    const oldButRunning = await finishedRow(user, wf, "running", 40);

    expect(retentionDays(env)).toBe(30);
    await pruneExecutions(env, Date.now());
    expect([await exists(old), await exists(recent), await exists(oldButRunning)]).toEqual([
      false,
      true,
      true,
    ]);

    await pruneExecutions({ ...env, EXECUTION_RETENTION_DAYS: "7" }, Date.now());
    expect([await exists(recent), await exists(oldButRunning)]).toEqual([false, true]);
  });

  it("falls back to 30 days for a value that is not a whole number of days", () => {
    for (const value of ["0", "-3", "1.5", "thirty", ""])
      expect(retentionDays({ EXECUTION_RETENTION_DAYS: value })).toBe(30);
    expect(retentionDays({ EXECUTION_RETENTION_DAYS: "90" })).toBe(90);
  });

  it('with saveSuccessfulRuns "none" deletes successful runs a minute after they finish and keeps failed ones', async () => {
    const user = await signUp();
    const unsaved = await createWorkflow(user, doubler({ saveSuccessfulRuns: "none" }));
    const saved = await createWorkflow(user, doubler({ saveSuccessfulRuns: "all" }));
    const ok = await runWorkflow(user, unsaved, { n: 1 });
    const failed = await runWorkflow(user, unsaved, { n: "x" }); // "x" * 2 fails the expression
    const kept = await runWorkflow(user, saved, { n: 1 });
    for (const id of [ok, failed, kept]) await waitFor(user, id);
    expect((await waitFor(user, failed)).status).toBe("error");

    // Right after the end the record is still there (a lastNode webhook may be reading it).
    expect((await pruneExecutions(env, Date.now())).unsaved).toBe(0);
    expect((await pruneExecutions(env, Date.now() + 61_000)).unsaved).toBe(1);
    expect([await exists(ok), await exists(failed), await exists(kept)]).toEqual([false, true, true]);
  });
});

describe("settings.saveSuccessfulRuns in the workflow document", () => {
  it("is returned, kept by a PUT that omits settings, and checked", async () => {
    const user = await signUp();
    const id = await createWorkflow(user, doubler({ saveSuccessfulRuns: "none" }));
    const read = async () => (await (await user.fetch(`/api/workflows/${id}`)).json()) as Record<string, any>;
    expect((await read()).settings).toEqual({ saveSuccessfulRuns: "none" });

    const put = await user.fetch(`/api/workflows/${id}`, { method: "PUT", json: doubler() });
    expect(put.status).toBe(200);
    expect((await read()).settings).toEqual({ saveSuccessfulRuns: "none" });

    const bad = await user.fetch(`/api/workflows/${id}`, {
      method: "PUT",
      json: doubler({ saveSuccessfulRuns: "some" }),
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toMatch(/saveSuccessfulRuns/);
    expect((await read()).settings).toEqual({ saveSuccessfulRuns: "none" });
  });
});
