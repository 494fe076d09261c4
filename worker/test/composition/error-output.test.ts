import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { startExecution } from "../../src/engine/start-execution";
import { doc } from "../api-helpers-engine";
import { finished, saveWorkflow, type TestEdge, type TestNode } from "../engine-fixtures";
import { signUp } from "../helpers";

async function run(nodes: TestNode[], edges: TestEdge[], data: unknown = {}) {
  const user = await signUp();
  const workflowId = await saveWorkflow(user.userId, { nodes, edges });
  const { executionId } = await startExecution(env, {
    userId: user.userId,
    workflowId,
    mode: "manual",
    triggerData: data,
  });
  return finished(executionId);
}

const retryThrice = { maxAttempts: 3, backoff: "constant" as const, delayMs: 0 };

describe("stopAndError and onError: errorOutput", { timeout: 30_000 }, () => {
  it("stopAndError fails the run with its message after one attempt, despite a retry policy", async () => {
    const { execution, steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        {
          id: "stop",
          type: "stopAndError",
          name: "Refuse",
          parameters: { message: "Order {{ $json.id }} has no total" },
          retry: retryThrice,
        },
        { id: "after", type: "set", name: "After", parameters: { fields: { x: 1 } } },
      ],
      [
        { source: "t", target: "stop" },
        { source: "stop", target: "after" },
      ],
      { id: 7 },
    );
    expect(execution.status).toBe("error");
    expect(execution.error).toEqual({ nodeId: "stop", message: "Order 7 has no total" });
    expect(steps.stop).toMatchObject({ status: "error", attempts: 1 });
    expect(steps.after).toBeUndefined();
  });

  it("errorOutput sends { error, input } out on `error` and skips what follows `main`", async () => {
    const { execution, steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        {
          id: "stop",
          type: "stopAndError",
          name: "Refuse",
          parameters: { message: "bad input" },
          onError: "errorOutput",
        },
        { id: "ok", type: "set", name: "On success", parameters: { fields: { ok: true } } },
        { id: "okNext", type: "set", name: "After success", parameters: { fields: { n: 1 } } },
        {
          id: "handle",
          type: "set",
          name: "On error",
          parameters: { fields: { why: "{{ $json.error.message }}", was: "{{ $json.input.n }}" } },
        },
      ],
      [
        { source: "t", target: "stop" },
        { source: "stop", target: "ok" },
        { source: "ok", target: "okNext" },
        { source: "stop", target: "handle", sourceHandle: "error" },
      ],
      { n: 5 },
    );
    expect(execution.status).toBe("success");
    expect(steps.stop).toMatchObject({
      status: "error",
      output: { error: { message: "bad input" }, input: { n: 5 } },
    });
    expect(steps.handle).toMatchObject({ status: "success", output: { why: "bad input", was: 5 } });
    expect(steps.ok.status).toBe("skipped");
    expect(steps.okNext.status).toBe("skipped");
  });

  it("a node that succeeds leaves its error branch skipped", async () => {
    const { steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "a", type: "set", name: "A", parameters: { fields: { a: 1 } }, onError: "errorOutput" },
        { id: "ok", type: "set", name: "On success", parameters: { fields: { ok: true } } },
        { id: "handle", type: "set", name: "On error", parameters: { fields: { bad: true } } },
      ],
      [
        { source: "t", target: "a" },
        { source: "a", target: "ok" },
        { source: "a", target: "handle", sourceHandle: "error" },
      ],
    );
    expect(steps.ok).toMatchObject({ status: "success", output: { ok: true } });
    expect(steps.handle.status).toBe("skipped");
  });

  it("refuses an edge from `error` at save unless the node routes failures there", async () => {
    const user = await signUp();
    const nodes = [
      { id: "t", type: "manualTrigger", name: "Start" },
      { id: "a", type: "set", name: "A", parameters: { fields: { a: 1 } } },
      { id: "b", type: "set", name: "B", parameters: { fields: { b: 1 } } },
    ];
    const bad = await user.fetch("/api/workflows", {
      method: "POST",
      json: doc("x", nodes, [
        ["t", "a"],
        ["a", "b", "error"],
      ]),
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { details: { nodeId: string; field: string }[] } };
    expect(body.error.details[0]).toMatchObject({ nodeId: "a", field: "sourceHandle" });

    const good = await user.fetch("/api/workflows", {
      method: "POST",
      json: doc(
        "x",
        nodes.map((n) => (n.id === "a" ? { ...n, onError: "errorOutput" as const } : n)),
        [
          ["t", "a"],
          ["a", "b", "error"],
        ],
      ),
    });
    expect(good.status).toBe(201);
  });
});
