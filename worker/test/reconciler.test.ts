/**
 * The reconciler against the real local Workflows engine: what a crash can leave behind (a recorded run
 * without an instance, an instance that ended without its row, a claim without its run) is repaired,
 * a live run is left to finish exactly once, and a tick looks at a bounded batch.
 * (Waking instances after a real runtime restart is proven by `npm run test:crash`.)
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  RECHECK_MS,
  RECONCILE_GRACE_MS,
  START_DEADLINE_MS,
  reconcileExecutions,
} from "../src/engine/reconciler";
import { getDb } from "../src/storage/db";
import { insertExecution } from "../src/storage/executions";
import { triggerClaim, workflowExecution } from "../src/storage/schema";
import { isClaimed } from "../src/storage/triggers";
import { createWorkflow, doc, getExecution, runWorkflow, waitFor } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

const db = () => getDb(env.DB);
/** A tick far enough in the future that every row made by the test is past the grace period. */
const afterGrace = () => Date.now() + RECONCILE_GRACE_MS + 1_000;

async function simpleWorkflow(user: TestUser) {
  return createWorkflow(
    user,
    doc(
      "Double",
      [
        { id: "m", type: "manualTrigger", name: "Start" },
        { id: "d", type: "set", name: "Double", parameters: { fields: { n: "{{ $json.n * 2 }}" } } },
      ],
      [["m", "d"]],
    ),
  );
}

/** What `startExecution` records before it creates the instance, without creating it (the crash). */
async function recordedButNeverStarted(user: TestUser, workflowId: string, createdAt = new Date()) {
  const id = crypto.randomUUID();
  await insertExecution(db(), {
    id,
    workflowId,
    userId: user.userId,
    version: 1,
    status: "queued",
    mode: "manual",
    triggerNodeId: "m",
    triggerData: { n: 21 },
    createdAt,
  });
  return id;
}

describe("reconciler", () => {
  it("creates the instance of a run that was recorded but never started, which then runs once", async () => {
    const user = await signUp();
    const wf = await simpleWorkflow(user);
    const id = await recordedButNeverStarted(user, wf);

    const report = await reconcileExecutions(env, afterGrace());
    expect(report).toMatchObject({ checked: 1, created: 1, ended: 0 });
    const done = await waitFor(user, id);
    expect(done.status).toBe("success");
    expect(done.steps.find((s) => s.nodeId === "d")).toMatchObject({ output: { n: 42 }, attempts: 1 });

    // Finished rows are not looked at again.
    expect((await reconcileExecutions(env, afterGrace() + RECHECK_MS)).checked).toBe(0);
  });

  it("ends a queued run whose instance never appears within the deadline, with a message saying so", async () => {
    const user = await signUp();
    const wf = await simpleWorkflow(user);
    const longAgo = new Date(Date.now() - START_DEADLINE_MS - 60_000);
    const id = await recordedButNeverStarted(user, wf, longAgo);

    expect(await reconcileExecutions(env, Date.now())).toMatchObject({ ended: 1, created: 0 });
    const row = await getExecution(user, id);
    expect(row.status).toBe("error");
    expect(row.error?.message).toMatch(/could not be started: its Workflow instance was never created/);
  });

  it("ends `error` a row left running by an instance that completed without recording it", async () => {
    const user = await signUp();
    const wf = await simpleWorkflow(user);
    const id = await runWorkflow(user, wf, { n: 1 });
    await waitFor(user, id);
    // The instance's last step wrote nothing (a crash between its end and the record).
    await db()
      .update(workflowExecution)
      .set({ status: "running", finishedAt: null })
      .where(eq(workflowExecution.id, id));

    expect(await reconcileExecutions(env, afterGrace())).toMatchObject({ ended: 1 });
    const row = await getExecution(user, id);
    expect(row.status).toBe("error");
    expect(row.error?.message).toMatch(
      /Workflow instance ended \(complete\) before the run recorded its end/,
    );
  });

  it("marks canceled a waiting run whose instance was terminated (a cancel that stopped halfway)", async () => {
    const user = await signUp();
    const wf = await createWorkflow(
      user,
      doc(
        "Wait",
        [
          { id: "m", type: "manualTrigger", name: "Start" },
          { id: "w", type: "wait", name: "Wait", parameters: { seconds: 600 } },
        ],
        [["m", "w"]],
      ),
    );
    const id = await runWorkflow(user, wf);
    await waitFor(user, id, (e) => e.status === "waiting");
    await (await env.RUN_WORKFLOW.get(id)).terminate();

    expect(await reconcileExecutions(env, afterGrace())).toMatchObject({ ended: 1 });
    const row = await getExecution(user, id);
    expect(row.status).toBe("canceled");
    expect(row.steps.find((s) => s.nodeId === "w")?.status).toBe("canceled");
  });

  it("wakes a live local instance without running anything twice", async () => {
    const user = await signUp();
    const wf = await createWorkflow(
      user,
      doc(
        "Short wait",
        [
          { id: "m", type: "manualTrigger", name: "Start" },
          { id: "w", type: "wait", name: "Wait", parameters: { seconds: 2 } },
          { id: "d", type: "set", name: "After", parameters: { fields: { ok: true } } },
        ],
        [
          ["m", "w"],
          ["w", "d"],
        ],
      ),
    );
    const id = await runWorkflow(user, wf);
    await waitFor(user, id, (e) => e.status === "waiting");

    expect(await reconcileExecutions(env, afterGrace())).toMatchObject({ woken: 1, created: 0 });
    const done = await waitFor(user, id);
    expect(done.status).toBe("success");
    expect(done.steps.map((s) => [s.nodeId, s.status, s.attempts])).toEqual([
      ["m", "success", 1],
      ["w", "success", 1],
      ["d", "success", 1],
    ]);
  });

  it("looks at a bounded batch per tick, least recently checked first, so every row gets its turn", async () => {
    const user = await signUp();
    const wf = await simpleWorkflow(user);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await recordedButNeverStarted(user, wf));

    const now = afterGrace();
    expect((await reconcileExecutions(env, now, { batch: 2 })).checked).toBe(2);
    // The two just checked wait RECHECK_MS; the third is next.
    expect((await reconcileExecutions(env, now + 1_000, { batch: 2 })).checked).toBe(1);
    for (const id of ids) expect((await waitFor(user, id)).status).toBe("success");
  });

  it("releases a claim whose run was never recorded, and only such a claim", async () => {
    const user = await signUp();
    const wf = await simpleWorkflow(user);
    const recorded = await runWorkflow(user, wf, { n: 1 });
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const claim = (claimKey: string, executionId: string | null, createdAt: Date) => ({
      workflowId: wf,
      nodeId: "m",
      claimKey,
      executionId,
      createdAt,
    });
    await db()
      .insert(triggerClaim)
      .values([
        claim("stripe:evt_orphan", crypto.randomUUID(), minutesAgo(5)),
        claim("stripe:evt_recorded", recorded, minutesAgo(5)),
        claim("stripe:evt_starting", crypto.randomUUID(), minutesAgo(0)),
        claim("stripe:evt_unnamed", null, minutesAgo(5)),
        claim("stripe:evt_ancient", crypto.randomUUID(), minutesAgo(180)),
      ]);

    expect((await reconcileExecutions(env, Date.now())).releasedClaims).toBe(1);
    const held = async (key: string) => isClaimed(db(), { workflowId: wf, nodeId: "m", claimKey: key });
    expect(await held("stripe:evt_orphan")).toBe(false);
    for (const key of [
      "stripe:evt_recorded",
      "stripe:evt_starting",
      "stripe:evt_unnamed",
      "stripe:evt_ancient",
    ])
      expect(await held(key)).toBe(true);
    await waitFor(user, recorded);
    await db()
      .delete(triggerClaim)
      .where(and(eq(triggerClaim.workflowId, wf)));
  });
});
