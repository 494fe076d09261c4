import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUp } from "../../test/helpers";
import { saveWorkflow } from "../../test/engine-fixtures";
import { getDb } from "./db";
import { findStep, insertExecution } from "./executions";
import { markWorkflowWatched, writeRunBatch } from "./run-records";

async function queuedRun() {
  const user = await signUp();
  const workflowId = await saveWorkflow(user.userId, {
    nodes: [{ id: "t", type: "manualTrigger", name: "Start" }],
    edges: [],
  });
  const executionId = crypto.randomUUID();
  await insertExecution(getDb(env.DB), {
    id: executionId,
    workflowId,
    userId: user.userId,
    version: 1,
    status: "queued",
    mode: "manual",
    triggerNodeId: "t",
  });
  return { executionId, workflowId };
}

describe("writeRunBatch", () => {
  it("never lets a late attempt overwrite the record of a newer one", async () => {
    const run = await queuedRun();
    const db = getDb(env.DB);
    const at = new Date();
    await writeRunBatch(db, run, [
      { nodeId: "t", nodeName: "Start", fields: { status: "running", attempts: 2, startedAt: at } },
    ]);
    // Attempt 1 timed out but finishes late: its success must not replace attempt 2's record.
    await writeRunBatch(db, run, [
      { nodeId: "t", nodeName: "Start", fields: { status: "success", attempts: 1, output: { late: true } } },
    ]);
    expect(await findStep(db, run.executionId, "t")).toMatchObject({
      status: "running",
      attempts: 2,
      output: null,
    });
    await writeRunBatch(db, run, [
      { nodeId: "t", nodeName: "Start", fields: { status: "success", attempts: 2, output: { ok: 1 } } },
    ]);
    expect(await findStep(db, run.executionId, "t")).toMatchObject({
      status: "success",
      attempts: 2,
      output: { ok: 1 },
    });
  });

  it("ends the run in the same batch, and reads back whether anyone watches", async () => {
    const run = await queuedRun();
    const db = getDb(env.DB);
    const at = new Date();
    const unwatched = await writeRunBatch(db, run, [], { kind: "running", at });
    expect(unwatched).toMatchObject({ execution: { status: "running" }, liveUntil: null });
    await markWorkflowWatched(db, run.workflowId, at.getTime() + 60_000);
    const end = await writeRunBatch(
      db,
      run,
      [{ nodeId: "t", nodeName: "Start", fields: { status: "success", attempts: 1, output: {} } }],
      { kind: "finish", status: "success", error: null, at, startedAt: at },
    );
    expect(end.execution).toMatchObject({ status: "success" });
    expect(end.liveUntil).toBe(at.getTime() + 60_000);
    // An ended run stays ended: a second end changes nothing and returns no row.
    const again = await writeRunBatch(db, run, [], {
      kind: "finish",
      status: "error",
      error: { message: "late" },
      at,
    });
    expect(again.execution).toBeNull();
  });
});
