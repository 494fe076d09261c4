/**
 * The cost of one Webhook → Set run, counted (not timed): D1 round trips and statements, RunRoom calls
 * and engine steps, from the webhook call to the final record. The budget is documented in
 * docs/engine.md ("Cost per run"); raising it needs a reason there.
 *
 * The webhook app and the engine run with counting wrappers around the D1 and RunRoom bindings; the
 * Workflow binding is replaced by one that runs the same engine (`executeRun`) on counted in-process steps,
 * which make the same `do` calls as Workflows would.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inProcessSteps } from "../src/engine/in-process-steps";
import { executeRun, type RunParams } from "../src/engine/run-workflow";
import { createWebhookApp } from "../src/http/webhooks";
import { realTriggerServices } from "../src/triggers/real-services";
import { countingD1, countingRooms, type Counts } from "./counting";
import { finished } from "./engine-fixtures";
import { signUp } from "./helpers";
import { createWorkflow, webhookIdOf } from "./trigger-scenarios";

/** Budget of one Webhook → Set run (intake + engine), with its snapshot cached in the isolate. */
export const RUN_BUDGET = { d1RoundTrips: 3, steps: 1, roomCallsUnwatched: 0, roomCallsLastNode: 2 };

/** The env a counted run sees; `runs` holds each engine run the webhook started. */
function countedEnv(counts: Counts) {
  const runs: Promise<unknown>[] = [];
  const counted = {
    ...env,
    DB: countingD1(env.DB, counts),
    RUN_ROOM: countingRooms(env.RUN_ROOM, counts),
  } as Env;
  counted.RUN_WORKFLOW = {
    create: async ({ params }: { id?: string; params?: RunParams }) => {
      const steps = inProcessSteps();
      runs.push(
        executeRun(counted, params!, steps).finally(() => {
          counts.steps += steps.count;
        }),
      );
      return {} as WorkflowInstance;
    },
  } as unknown as Env["RUN_WORKFLOW"];
  return { counted, runs };
}

async function countRun(respond: "immediately" | "lastNode", warm: boolean) {
  const user = await signUp();
  const wf = await createWorkflow(
    user,
    [
      { id: "hook", type: "webhookTrigger", name: "Webhook", parameters: { method: "POST", respond } },
      {
        id: "double",
        type: "set",
        name: "Double",
        parameters: { fields: { doubled: "{{ $json.body.n * 2 }}" } },
      },
    ],
    { active: true },
  );
  const app = createWebhookApp(realTriggerServices, { lastNodeWaitMs: 20_000 });
  const call = (counted: Env) =>
    app.request(
      `http://local.test/webhooks/${webhookIdOf(wf, "hook")}`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: 21 }) },
      counted,
    );
  if (warm) {
    // A first call caches the version's snapshot in this isolate, as any later call finds it.
    const first = countedEnv({ d1RoundTrips: 0, d1Statements: 0, roomCalls: 0, steps: 0 });
    await call(first.counted);
    await Promise.all(first.runs);
  }
  const counts: Counts = { d1RoundTrips: 0, d1Statements: 0, roomCalls: 0, steps: 0 };
  const { counted, runs } = countedEnv(counts);
  const res = await call(counted);
  await Promise.all(runs);
  return { res, counts };
}

describe("cost of a Webhook → Set run", { timeout: 60_000 }, () => {
  it("immediately, nobody watching: within the budget, no room call", async () => {
    const { res, counts } = await countRun("immediately", true);
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(steps.double.output).toEqual({ doubled: 42 });
    // Intake: the webhook's node + workflow (1), the per-owner rate-limit counter (1), the execution
    // insert (1); engine: one batch (1).
    expect(counts.d1RoundTrips).toBeLessThanOrEqual(RUN_BUDGET.d1RoundTrips);
    expect(counts.steps).toBeLessThanOrEqual(RUN_BUDGET.steps);
    expect(counts.roomCalls).toBe(RUN_BUDGET.roomCallsUnwatched);
    // Statements: the lookup, the counter, the insert, and the batch (two records, the end, the watch read).
    expect(counts).toMatchObject({ d1RoundTrips: 3, roomCalls: 0, steps: 1 });
  });

  it("lastNode: the answer comes through the run's room (one wait, one signal), never a D1 poll", async () => {
    const { res, counts } = await countRun("lastNode", true);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ doubled: 42 });
    expect(counts.d1RoundTrips).toBeLessThanOrEqual(RUN_BUDGET.d1RoundTrips);
    expect(counts.steps).toBeLessThanOrEqual(RUN_BUDGET.steps);
    expect(counts.roomCalls).toBe(RUN_BUDGET.roomCallsLastNode);
  });

  it("cold isolate: one more round trip, for the version's document", async () => {
    const { counts } = await countRun("immediately", false);
    expect(counts.d1RoundTrips).toBeLessThanOrEqual(RUN_BUDGET.d1RoundTrips + 1);
    expect(counts.steps).toBe(1);
    expect(counts.roomCalls).toBe(0);
  });
});
