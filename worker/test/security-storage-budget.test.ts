/**
 * Issue 13, storage bounds: the byte budget of one execution (D1 triggers count every step record's
 * payload and refuse the write that would pass the execution's limit) and the per-user quota (the cron
 * pass deletes the user's oldest finished executions until they are under it).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pruneExecutions, userStorageQuota } from "../src/engine/retention";
import { startExecution } from "../src/engine/start-execution";
import { executionStorageLimit } from "../src/engine/storage-budget";
import { createWorkflow, doc, getExecution, runWorkflow, waitFor, type DocNode } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

const MiB = 1024 * 1024;
const big = (chars: number) => `{{ $pad('', ${chars}, 'x') }}`;

const storedBytes = async (executionId: string) =>
  (await env.DB.prepare("SELECT stored_bytes, storage_limit FROM workflow_execution WHERE id = ?")
    .bind(executionId)
    .first<{ stored_bytes: number; storage_limit: number | null }>())!;

/**
 * What the triggers should have counted: the bytes of every payload column of the run's records, plus
 * its trigger payload on the execution row (migration 0012).
 */
const actualBytes = async (executionId: string) =>
  (await env.DB.prepare(
    `SELECT coalesce(sum(coalesce(length(CAST(input AS BLOB)),0) + coalesce(length(CAST(output AS BLOB)),0)
       + coalesce(length(CAST(logs AS BLOB)),0) + coalesce(length(CAST(error AS BLOB)),0)), 0)
       + (SELECT coalesce(length(CAST(trigger_data AS BLOB)), 0) FROM workflow_execution WHERE id = ?1) AS n
     FROM execution_step WHERE execution_id = ?1`,
  )
    .bind(executionId)
    .first<{ n: number }>())!.n;

/** A manual run started with `EXECUTION_MAX_BYTES` set as given (the limit is fixed on the row at start). */
async function runWithBudget(
  user: TestUser,
  workflowId: string,
  maxBytes: number,
  triggerData: unknown = {},
) {
  const started = await startExecution({ ...env, EXECUTION_MAX_BYTES: String(maxBytes) } as Env, {
    userId: user.userId,
    workflowId,
    mode: "manual",
    triggerData,
  });
  return started.executionId;
}

/** Start → A → B → C, each a set node building `chars` characters; `b` overrides B's fields. */
function chain(chars: number, b: Partial<DocNode> = {}) {
  const set = (id: string) => ({
    id,
    type: "set",
    name: id.toUpperCase(),
    parameters: { fields: { text: big(chars) } },
  });
  return doc(
    "Chain",
    [{ id: "t", type: "manualTrigger", name: "Start" }, set("a"), { ...set("b"), ...b }, set("c")],
    [
      ["t", "a"],
      ["a", "b"],
      ["b", "c"],
    ],
  );
}

describe("per-execution storage budget", { timeout: 60_000 }, () => {
  it("counts exactly what the step records hold, and sets the limit from EXECUTION_MAX_BYTES", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, chain(1000));
    const id = await runWorkflow(user, workflowId);
    expect((await waitFor(user, id)).status).toBe("success");
    const row = await storedBytes(id);
    expect(row.storage_limit).toBe(executionStorageLimit(env));
    expect(executionStorageLimit(env)).toBe(64 * MiB);
    expect(row.stored_bytes).toBe(await actualBytes(id));
    // A, B, C output ~1 KB each; B and C take ~1 KB of input.
    expect(row.stored_bytes).toBeGreaterThan(5000);
    for (const bad of ["0", "12", "1.5", "lots"])
      expect(executionStorageLimit({ EXECUTION_MAX_BYTES: bad })).toBe(64 * MiB);
  });

  it("a run past its budget fails at the node whose record would pass it, and stores nothing more", async () => {
    const user = await signUp();
    // A stores 0.8 MB; B's input (0.8 MB) fits, its output would make 2.4 MB of a 2 MiB budget.
    const workflowId = await createWorkflow(user, chain(800_000, { onError: "continue" }));
    const id = await runWithBudget(user, workflowId, 2 * MiB);
    const e = await waitFor(user, id);
    expect(e.status).toBe("error");
    expect(e.error?.message).toMatch(
      /^Node "B": its record would pass the storage budget of this execution \(2097152 bytes, EXECUTION_MAX_BYTES\)/,
    );
    const steps = Object.fromEntries(e.steps.map((s) => [s.nodeId, s]));
    expect(steps.b.status).toBe("error");
    expect(steps.b.output).toBeNull();
    // onError "continue" does not hand anything on: C never ran.
    expect(steps.c).toBeUndefined();
    const row = await storedBytes(id);
    expect(row.stored_bytes).toBeLessThanOrEqual(2 * MiB);
    expect(row.stored_bytes).toBe(await actualBytes(id));
  });

  it("counts the trigger payload: it takes its share of the budget from the start", async () => {
    const user = await signUp();
    // Start → A (a small set node). The records hold the payload twice (Start's output, A's input):
    // 1.44 MB, within 2 MiB; with the payload on the execution row it is 2.16 MB, past it.
    const workflowId = await createWorkflow(
      user,
      doc(
        "Big trigger",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          { id: "a", type: "set", name: "A", parameters: { fields: { n: "{{ 1 }}" } } },
        ],
        [["t", "a"]],
      ),
    );
    const payload = { text: "x".repeat(720_000) };
    const fits = await runWithBudget(user, workflowId, 4 * MiB, payload);
    expect((await waitFor(user, fits)).status).toBe("success");
    const counted = await storedBytes(fits);
    expect(counted.stored_bytes).toBe(await actualBytes(fits));
    // Three copies of the payload: the execution row, Start's output, A's input.
    expect(counted.stored_bytes).toBeGreaterThan(3 * 720_000);

    const id = await runWithBudget(user, workflowId, 2 * MiB, payload);
    const e = await waitFor(user, id);
    expect(e.status).toBe("error");
    expect(e.error?.message).toMatch(
      /^Node "A": its record would pass the storage budget of this execution \(2097152 bytes/,
    );
    const row = await storedBytes(id);
    expect(row.stored_bytes).toBeLessThanOrEqual(2 * MiB);
    expect(row.stored_bytes).toBe(await actualBytes(id));
  });

  it("a budget within reach of the run lets it succeed", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, chain(100_000));
    const id = await runWithBudget(user, workflowId, 2 * MiB);
    expect((await waitFor(user, id)).status).toBe("success");
    expect((await getExecution(user, id)).steps).toHaveLength(4);
  });
});

describe("per-user storage quota", { timeout: 60_000 }, () => {
  it("deletes the user's oldest finished executions until they are under the quota, nobody else's", async () => {
    const user = await signUp();
    const other = await signUp();
    const workflowId = await createWorkflow(user, chain(200_000));
    const otherWorkflow = await createWorkflow(other, chain(200_000));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await runWorkflow(user, workflowId);
      await waitFor(user, id);
      ids.push(id);
    }
    const theirs = await runWorkflow(other, otherWorkflow);
    await waitFor(other, theirs);
    const sizes = await Promise.all(ids.map(async (id) => (await storedBytes(id)).stored_bytes));
    const total = sizes.reduce((a, b) => a + b, 0);
    // A quota that holds the newest two runs (plus a little), not three.
    const quota = sizes[2] + sizes[3] + 1000;
    expect(userStorageQuota({ USER_STORAGE_QUOTA_BYTES: String(quota) })).toBe(quota);
    expect(total).toBeGreaterThan(quota);

    const pruned = await pruneExecutions(
      { ...env, USER_STORAGE_QUOTA_BYTES: String(quota) } as Env,
      Date.now(),
    );
    // Users of the tests above (same database) may be over this small quota too; which of this user's
    // runs were deleted is checked exactly below.
    expect(pruned.overQuota).toBeGreaterThanOrEqual(2);
    const exists = async (u: TestUser, id: string) => (await u.fetch(`/api/executions/${id}`)).status === 200;
    expect(await Promise.all(ids.map((id) => exists(user, id)))).toEqual([false, false, true, true]);
    expect(await exists(other, theirs)).toBe(true);
    // Under the quota now: a second pass deletes nothing.
    expect(
      (await pruneExecutions({ ...env, USER_STORAGE_QUOTA_BYTES: String(quota) } as Env, Date.now()))
        .overQuota,
    ).toBe(0);
  });
});
