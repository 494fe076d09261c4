import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { startExecution } from "../src/engine/start-execution";
import { getDb } from "../src/storage/db";
import { findExecution, finishExecution } from "../src/storage/executions";
import { chain, eventually, finished, saveWorkflow, stepsById, type TestNode } from "./engine-fixtures";
import { signUp } from "./helpers";

async function start(nodes: TestNode[], data: unknown = {}) {
  const user = await signUp();
  const workflowId = await saveWorkflow(user.userId, { nodes, edges: chain(...nodes.map((n) => n.id)) });
  return startExecution(env, { userId: user.userId, workflowId, mode: "manual", triggerData: data });
}

const trigger: TestNode = { id: "t", type: "manualTrigger", name: "Start" };
const setNode = (retry?: TestNode["retry"]): TestNode => ({
  id: "s",
  type: "set",
  name: "Flaky",
  parameters: { fields: { ok: true } },
  retry,
});

describe("engine: retries", { timeout: 30_000 }, () => {
  it("counts the real attempts: a node that fails twice then succeeds shows attempts 3", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    await introspector.modifyAll(async (m) => {
      await m.disableRetryDelays();
      // The trigger and the set node after it are pure: they share the trigger's step, "node:t".
      await m.mockStepError({ name: "node:t" }, new Error("flaky upstream"), 2);
    });
    const { executionId } = await start([
      trigger,
      setNode({ maxAttempts: 3, backoff: "exponential", delayMs: 1000 }),
    ]);
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(steps.t).toMatchObject({ status: "success", attempts: 3, error: null });
    expect(steps.s).toMatchObject({ status: "success", attempts: 3, output: { ok: true }, error: null });
  });

  it("stops after the node's maxAttempts and fails the run with the node's message", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    await introspector.modifyAll(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "node:t" }, new Error("upstream is down"));
    });
    const { executionId } = await start([
      trigger,
      setNode({ maxAttempts: 2, backoff: "constant", delayMs: 10 }),
    ]);
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("error");
    expect(execution.error).toEqual({ message: "upstream is down", nodeId: "t" });
    expect(steps.t).toMatchObject({ status: "error", error: { message: "upstream is down" } });
    expect(steps.s).toBeUndefined();
    const [instance] = introspector.get();
    await instance.waitForStatus("errored");
  });
});

describe("engine: pauses", { timeout: 30_000 }, () => {
  it("sleeps durably in a wait node, then passes the input on", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    await introspector.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const { executionId } = await start(
      [trigger, { id: "w", type: "wait", name: "Wait a day", parameters: { seconds: 86_400 } }],
      { v: 7 },
    );
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(steps.w).toMatchObject({ status: "success", input: { v: 7 }, output: { v: 7 } });
  });

  it("waits for an event (status waiting), then outputs its payload", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    const { executionId } = await start([
      trigger,
      {
        id: "e",
        type: "waitForEvent",
        name: "Approval",
        parameters: { event: "approved", timeoutSeconds: 600 },
      },
      { id: "after", type: "set", name: "After", parameters: { fields: { by: "{{ $json.by }}" } } },
    ]);
    await eventually(
      async () => (await findExecution(getDb(env.DB), executionId))?.status === "waiting",
      "waiting",
    );
    expect((await stepsById(executionId)).e.status).toBe("waiting");
    const [instance] = introspector.get();
    await instance.modify(async (m) => {
      await m.mockEvent({ type: "approved", payload: { by: "ana" } });
    });
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(steps.e).toMatchObject({ status: "success", output: { by: "ana" } });
    expect(steps.after.output).toEqual({ by: "ana" });
  });

  it("fails a waitForEvent past its timeout; onError continue goes on with { error }", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    await introspector.modifyAll(async (m) => {
      await m.forceEventTimeout({ name: "node:e:event" });
    });
    const { executionId } = await start([
      trigger,
      {
        id: "e",
        type: "waitForEvent",
        name: "Approval",
        onError: "continue",
        parameters: { event: "approved", timeoutSeconds: 60 },
      },
      {
        id: "after",
        type: "set",
        name: "After",
        parameters: { fields: { timedOut: "{{ $exists($json.error) }}" } },
      },
    ]);
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(steps.e).toMatchObject({
      status: "error",
      error: { message: 'Timed out after 60s waiting for event "approved"' },
      output: { error: { message: 'Timed out after 60s waiting for event "approved"' } },
    });
    expect(steps.after.output).toEqual({ timedOut: true });
  });

  it("a failure in one branch ends a waitForEvent in another: the run ends error, the wait canceled", async () => {
    const user = await signUp();
    const nodes: TestNode[] = [
      trigger,
      { id: "e", type: "waitForEvent", name: "Approval", parameters: { event: "ok", timeoutSeconds: 3600 } },
      { id: "x", type: "stopAndError", name: "Refuse", parameters: { message: "order refused" } },
    ];
    const edges = [
      { source: "t", target: "e" },
      { source: "t", target: "x" },
    ];
    const workflowId = await saveWorkflow(user.userId, { nodes, edges });
    const { executionId } = await startExecution(env, {
      userId: user.userId,
      workflowId,
      mode: "manual",
      triggerData: {},
    });
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("error");
    expect(execution.error).toMatchObject({ nodeId: "x", message: "order refused" });
    expect(steps.x.status).toBe("error");
    expect(steps.e.status).toBe("canceled");
  });

  it("a node does not start once the execution is canceled (a cancel that could not stop the instance)", async () => {
    const { executionId } = await start([
      trigger,
      { id: "e", type: "waitForEvent", name: "Approval", parameters: { event: "go", timeoutSeconds: 600 } },
      { id: "after", type: "set", name: "After", parameters: { fields: { ran: true } } },
    ]);
    const db = getDb(env.DB);
    await eventually(async () => (await findExecution(db, executionId))?.status === "waiting", "waiting");
    // The row says canceled while the instance lives on (as when terminate() failed): the engine must notice.
    await finishExecution(db, executionId, "canceled", null, new Date());
    await (await env.RUN_WORKFLOW.get(executionId)).sendEvent({ type: "go", payload: { by: "ana" } });
    const steps = await eventually(async () => {
      const s = await stepsById(executionId);
      return s.e?.status === "canceled" && s;
    }, "the resumed node to see the cancel");
    expect(steps.after).toBeUndefined();
    expect((await findExecution(db, executionId))?.status).toBe("canceled");
  });
});
