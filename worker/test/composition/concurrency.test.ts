/**
 * Concurrency limits: `settings.maxConcurrency` and the per-user cap (concurrency/). Every check counts
 * runs in the gate and in D1; none measures time.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { doc, getExecution, runWorkflow, waitFor, type ExecutionBody } from "../api-helpers-engine";
import { eventually } from "../engine-fixtures";
import { signUp, type TestUser } from "../helpers";
import { runGateOf } from "../../src/concurrency/admission";
import { createWithSettings } from "./helpers";

/** Waits for the event "go"; fails when its payload says so. */
const gated = doc(
  "Gated",
  [
    { id: "t", type: "manualTrigger", name: "Start" },
    { id: "go", type: "waitForEvent", name: "Go", parameters: { event: "go", timeoutSeconds: 600 } },
    { id: "check", type: "if", name: "Fail?", parameters: { condition: "{{ $json.fail = true }}" } },
    { id: "boom", type: "stopAndError", name: "Boom", parameters: { message: "told to fail" } },
    { id: "ok", type: "set", name: "Ok", parameters: { fields: { ok: true } } },
  ],
  [
    ["t", "go"],
    ["go", "check"],
    ["check", "boom", "true"],
    ["check", "ok", "false"],
  ],
);

async function statuses(user: TestUser, ids: string[]) {
  return Promise.all(ids.map(async (id) => (await getExecution(user, id)).status));
}

const waitingAtGo = (e: ExecutionBody) => e.steps.some((s) => s.nodeId === "go" && s.status === "waiting");

async function go(user: TestUser, id: string, payload: unknown = {}) {
  const res = await user.fetch(`/api/executions/${id}/events/go`, { method: "POST", json: payload });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** Runs of the workflow that are past `queued` and not finished. */
function runningCount(list: string[]) {
  return list.filter((s) => s === "running" || s === "waiting").length;
}

describe("settings.maxConcurrency", () => {
  it("runs three executions of a limit-1 workflow one at a time, in arrival order", async () => {
    const user = await signUp();
    const workflowId = await createWithSettings(user, gated, { maxConcurrency: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await runWorkflow(user, workflowId, { i }));
    const gate = runGateOf(env, user.userId);

    await waitFor(user, ids[0], waitingAtGo);
    expect(await gate.inspect()).toEqual({ running: [ids[0]], queued: [ids[1], ids[2]] });
    expect(await statuses(user, ids)).toEqual([expect.stringMatching(/running|waiting/), "queued", "queued"]);

    await go(user, ids[0]);
    expect((await waitFor(user, ids[0])).status).toBe("success");
    // The second (not the third) gets the slot.
    await waitFor(user, ids[1], waitingAtGo);
    const during = await statuses(user, ids);
    expect(during).toEqual(["success", expect.stringMatching(/running|waiting/), "queued"]);
    expect(runningCount(during)).toBe(1);
    expect(await gate.inspect()).toEqual({ running: [ids[1]], queued: [ids[2]] });

    await go(user, ids[1]);
    await waitFor(user, ids[2], waitingAtGo);
    expect(runningCount(await statuses(user, ids))).toBe(1);
    await go(user, ids[2]);
    expect((await waitFor(user, ids[2])).status).toBe("success");
    expect(await gate.inspect()).toEqual({ running: [], queued: [] });
  });

  it("the next run starts only after the one before it has recorded its end, also when a wait ends the run", async () => {
    // The last node is not pure, so the end is its own step after the graph: the slot must wait for it.
    const waitLast = doc(
      "Wait last",
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "go", type: "waitForEvent", name: "Go", parameters: { event: "go", timeoutSeconds: 600 } },
      ],
      [["t", "go"]],
    );
    const user = await signUp();
    const workflowId = await createWithSettings(user, waitLast, { maxConcurrency: 1 });
    const ids = [
      await runWorkflow(user, workflowId),
      await runWorkflow(user, workflowId),
      await runWorkflow(user, workflowId),
    ];
    for (const id of ids) {
      await waitFor(user, id, waitingAtGo);
      await go(user, id);
      expect((await waitFor(user, id)).status).toBe("success");
    }
    const runs = await Promise.all(ids.map((id) => getExecution(user, id)));
    for (let i = 1; i < runs.length; i++)
      expect(Date.parse(runs[i].startedAt!)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].finishedAt!));
  });

  it("a failed run frees its slot for the next one", async () => {
    const user = await signUp();
    const workflowId = await createWithSettings(user, gated, { maxConcurrency: 1 });
    const first = await runWorkflow(user, workflowId, {});
    const second = await runWorkflow(user, workflowId, {});
    await waitFor(user, first, waitingAtGo);
    expect((await getExecution(user, second)).status).toBe("queued");
    await go(user, first, { fail: true });
    const failed = await waitFor(user, first);
    expect(failed.status).toBe("error");
    expect(failed.error?.message).toContain("told to fail");
    await waitFor(user, second, waitingAtGo);
    await go(user, second);
    expect((await waitFor(user, second)).status).toBe("success");
  });

  it("cancelling a queued run frees nothing; cancelling the running one admits the next", async () => {
    const user = await signUp();
    const workflowId = await createWithSettings(user, gated, { maxConcurrency: 1 });
    const ids = [
      await runWorkflow(user, workflowId, {}),
      await runWorkflow(user, workflowId, {}),
      await runWorkflow(user, workflowId, {}),
    ];
    await waitFor(user, ids[0], waitingAtGo);
    const gate = runGateOf(env, user.userId);
    expect((await user.fetch(`/api/executions/${ids[1]}/cancel`, { method: "POST" })).status).toBe(200);
    expect(await gate.inspect()).toEqual({ running: [ids[0]], queued: [ids[2]] });
    expect(await statuses(user, ids)).toEqual([
      expect.stringMatching(/running|waiting/),
      "canceled",
      "queued",
    ]);

    expect((await user.fetch(`/api/executions/${ids[0]}/cancel`, { method: "POST" })).status).toBe(200);
    await waitFor(user, ids[2], waitingAtGo);
    expect(await gate.inspect()).toEqual({ running: [ids[2]], queued: [] });
    await go(user, ids[2]);
    expect((await waitFor(user, ids[2])).status).toBe("success");
  });

  it("a run that ended without releasing (a crash) loses its slot at the gate's next check", async () => {
    const user = await signUp();
    const workflowId = await createWithSettings(user, gated, { maxConcurrency: 1 });
    const first = await runWorkflow(user, workflowId, {});
    const second = await runWorkflow(user, workflowId, {});
    await waitFor(user, first, waitingAtGo);
    // What a crash leaves: the instance gone and the record ended by the reconciler, no release called.
    await (await env.RUN_WORKFLOW.get(first)).terminate();
    await env.DB.prepare("UPDATE workflow_execution SET status = 'error' WHERE id = ?").bind(first).run();
    const gate = runGateOf(env, user.userId);
    expect(await gate.inspect()).toEqual({ running: [first], queued: [second] });

    expect(await runDurableObjectAlarm(gate)).toBe(true);
    expect(await gate.inspect()).toEqual({ running: [second], queued: [] });
    await waitFor(user, second, waitingAtGo);
    await go(user, second);
    expect((await waitFor(user, second)).status).toBe("success");
  });

  it("one user's queue does not hold back another user's run", async () => {
    const flooder = await signUp();
    const other = await signUp();
    const flooded = await createWithSettings(flooder, gated, { maxConcurrency: 1 });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await runWorkflow(flooder, flooded, {}));
    await waitFor(flooder, ids[0], waitingAtGo);

    const quick = await createWithSettings(
      other,
      doc("Quick", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
      { maxConcurrency: 1 },
    );
    const run = await waitFor(other, await runWorkflow(other, quick, {}));
    expect(run.status).toBe("success");
    // …while the flooder's three later runs are all still queued.
    expect(await statuses(flooder, ids.slice(1))).toEqual(["queued", "queued", "queued"]);
    for (const id of ids) await flooder.fetch(`/api/executions/${id}/cancel`, { method: "POST" });
  });
});

describe("the per-user cap (RunGate)", () => {
  const entry = (executionId: string, workflowId = "w1", capped = true) => ({
    executionId,
    workflowId,
    limit: null,
    capped,
  });

  it("admits at most the cap, in order, and each user's gate is its own", async () => {
    const gateA = runGateOf(env, `cap-a-${crypto.randomUUID()}`);
    const places = [];
    for (const id of ["a1", "a2", "a3", "a4", "a5"])
      places.push(await gateA.enqueue(entry(id, `w-${id}`), 2));
    expect(places).toEqual(["admitted", "admitted", "queued", "queued", "queued"]);
    // Asking again keeps the place.
    expect(await gateA.enqueue(entry("a3", "w-a3"), 2)).toBe("queued");
    // A sub-workflow run does not count (its parent holds a slot while it waits for it).
    expect(await gateA.enqueue(entry("child", "w-child", false), 2)).toBe("admitted");

    const gateB = runGateOf(env, `cap-b-${crypto.randomUUID()}`);
    expect(await gateB.enqueue(entry("b1"), 2)).toBe("admitted");

    await gateA.release("a2");
    expect(await gateA.inspect()).toEqual({ running: ["a1", "child", "a3"], queued: ["a4", "a5"] });
    // Releasing a queued run frees no slot.
    await gateA.release("a5");
    expect(await gateA.inspect()).toEqual({ running: ["a1", "child", "a3"], queued: ["a4"] });
    await gateA.release("child");
    expect((await gateA.inspect()).queued).toEqual(["a4"]);
  });
});
