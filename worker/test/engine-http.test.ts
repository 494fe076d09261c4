import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { startExecution } from "../src/engine/start-execution";
import { chain, finished, saveWorkflow, type TestNode } from "./engine-fixtures";
import { signUp } from "./helpers";

const echo = inject("echoServerUrl");

/** Saves `Start → Call API (httpRequest) [→ After]` for a new user and runs it from the manual trigger. */
async function runHttpChain(http: Omit<TestNode, "id" | "type" | "name">, after?: TestNode) {
  const user = await signUp();
  const nodes: TestNode[] = [
    { id: "t", type: "manualTrigger", name: "Start" },
    { id: "h", type: "httpRequest", name: "Call API", ...http },
    ...(after ? [after] : []),
  ];
  const workflowId = await saveWorkflow(user.userId, {
    nodes,
    edges: chain(...nodes.map((n) => n.id)),
  });
  const { executionId } = await startExecution(env, {
    userId: user.userId,
    workflowId,
    mode: "manual",
    triggerData: {},
  });
  return finished(executionId);
}

describe("engine with a real failing node (httpRequest against the echo server)", { timeout: 30_000 }, () => {
  it("retries a 500 up to maxAttempts, counts every attempt, and fails the run with the node's message", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    await introspector.modifyAll(async (m) => {
      await m.disableRetryDelays();
    });
    const { execution, steps } = await runHttpChain(
      {
        retry: { maxAttempts: 3, backoff: "exponential", delayMs: 1000 },
        parameters: { method: "GET", url: `${echo}/status/500` },
      },
      { id: "after", type: "set", name: "After", parameters: { fields: { x: 1 } } },
    );
    expect(execution.status).toBe("error");
    expect(execution.error?.nodeId).toBe("h");
    expect(execution.error?.message).toMatch(/500/);
    expect(steps.h).toMatchObject({
      status: "error",
      attempts: 3,
      error: { message: execution.error!.message },
    });
    expect(steps.after).toBeUndefined();
  });

  it("a real upstream that fails twice then recovers: the node succeeds on attempt 3", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    await introspector.modifyAll(async (m) => {
      await m.disableRetryDelays();
    });
    const { execution, steps } = await runHttpChain({
      retry: { maxAttempts: 3, backoff: "exponential", delayMs: 1000 },
      parameters: { method: "GET", url: `${echo}/flaky/${crypto.randomUUID()}/2` },
    });
    expect(execution.status).toBe("success");
    expect(steps.h).toMatchObject({
      status: "success",
      attempts: 3,
      error: null,
      output: { status: 200, body: { ok: true, calls: 3 } },
    });
  });

  it("with ignoreHttpErrors the same call succeeds on the first attempt", async () => {
    const { execution, steps } = await runHttpChain(
      { parameters: { method: "GET", url: `${echo}/status/500`, ignoreHttpErrors: true } },
      { id: "after", type: "set", name: "After", parameters: { fields: { status: "{{ $json.status }}" } } },
    );
    expect(execution.status).toBe("success");
    expect(steps.h.attempts).toBe(1);
    expect(steps.after.output).toEqual({ status: 500 });
  });
});
