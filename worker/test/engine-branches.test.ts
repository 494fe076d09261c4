import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { startExecution } from "../src/engine/start-execution";
import { chain, finished, saveWorkflow, type TestNode } from "./engine-fixtures";
import { signUp } from "./helpers";

async function run(
  nodes: TestNode[],
  edges: { source: string; target: string; sourceHandle?: string }[],
  data: unknown,
) {
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

const ifGraph = {
  nodes: [
    { id: "t", type: "manualTrigger", name: "Start" },
    { id: "check", type: "if", name: "Big?", parameters: { condition: "{{ $json.n > 10 }}" } },
    { id: "yes", type: "set", name: "Yes", parameters: { fields: { size: "big", n: "{{ $json.n }}" } } },
    { id: "no", type: "set", name: "No", parameters: { fields: { size: "small" } } },
    { id: "afterNo", type: "set", name: "After no", parameters: { fields: { x: 1 } } },
    { id: "join", type: "merge", name: "Join" },
  ] satisfies TestNode[],
  edges: [
    { source: "t", target: "check" },
    { source: "check", target: "yes", sourceHandle: "true" },
    { source: "check", target: "no", sourceHandle: "false" },
    { source: "no", target: "afterNo" },
    { source: "yes", target: "join" },
    { source: "afterNo", target: "join" },
  ],
};

describe("engine: branching", () => {
  it("records the branch not taken as skipped, down to the join, and merges what ran", async () => {
    const { execution, steps } = await run(ifGraph.nodes, ifGraph.edges, { n: 42 });
    expect(execution.status).toBe("success");
    expect(steps.check).toMatchObject({ status: "success", output: { n: 42 } });
    expect(steps.yes).toMatchObject({ status: "success", output: { size: "big", n: 42 } });
    expect(steps.no).toMatchObject({ status: "skipped", attempts: 0, output: null, startedAt: null });
    expect(steps.afterNo).toMatchObject({ status: "skipped" });
    expect(steps.join).toMatchObject({
      status: "success",
      input: { Yes: { size: "big", n: 42 } },
      output: { Yes: { size: "big", n: 42 } },
    });
  });

  it("takes the false branch for a small number", async () => {
    const { steps } = await run(ifGraph.nodes, ifGraph.edges, { n: 3 });
    expect(steps.yes.status).toBe("skipped");
    expect(steps.no).toMatchObject({ status: "success", output: { size: "small" } });
    expect(steps.join.output).toEqual({ "After no": { x: 1 } });
  });

  it("merges parallel branches once both ran", async () => {
    const { steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "a", type: "set", name: "A", parameters: { fields: { a: "{{ $json.v }}" } } },
        { id: "b", type: "set", name: "B", parameters: { fields: { b: "{{ $json.v + 1 }}" } } },
        { id: "m", type: "merge", name: "M" },
        {
          id: "after",
          type: "set",
          name: "After",
          parameters: { fields: { sum: "{{ $json.A.a + $json.B.b }}" } },
        },
      ],
      [
        { source: "t", target: "a" },
        { source: "t", target: "b" },
        { source: "a", target: "m" },
        { source: "b", target: "m" },
        { source: "m", target: "after" },
      ],
      { v: 1 },
    );
    expect(steps.m.output).toEqual({ A: { a: 1 }, B: { b: 2 } });
    expect(steps.after.output).toEqual({ sum: 3 });
  });

  it("routes a switch to the matching rule and skips the others", async () => {
    const { steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        {
          id: "s",
          type: "switch",
          name: "Route",
          parameters: {
            rules: [
              { when: "{{ $json.kind = 'a' }}", output: "isA" },
              { when: "{{ $json.kind = 'b' }}", output: "isB" },
            ],
          },
        },
        { id: "a", type: "set", name: "A", parameters: { fields: { got: "a" } } },
        { id: "b", type: "set", name: "B", parameters: { fields: { got: "b" } } },
        { id: "f", type: "set", name: "F", parameters: { fields: { got: "fallback" } } },
      ],
      [
        { source: "t", target: "s" },
        { source: "s", target: "a", sourceHandle: "isA" },
        { source: "s", target: "b", sourceHandle: "isB" },
        { source: "s", target: "f", sourceHandle: "fallback" },
      ],
      { kind: "b" },
    );
    expect([steps.a.status, steps.b.status, steps.f.status]).toEqual(["skipped", "success", "skipped"]);
    expect(steps.b.output).toEqual({ got: "b" });
  });
});

describe("engine: failures", { timeout: 30_000 }, () => {
  it("fails the run with the node's message on an expression error (not retried)", async () => {
    const { execution, steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        // Parses (a broken one is refused at save), fails when evaluated: + needs numbers.
        { id: "bad", type: "set", name: "Bad", parameters: { fields: { x: '{{ "a" + 1 }}' } } },
        { id: "after", type: "set", name: "After", parameters: { fields: { y: 1 } } },
      ],
      chain("t", "bad", "after"),
      {},
    );
    expect(execution.status).toBe("error");
    expect(execution.error?.nodeId).toBe("bad");
    expect(execution.error?.message).toContain('Expression error in node "Bad", parameter "fields.x"');
    expect(steps.bad).toMatchObject({ status: "error", attempts: 1 });
    expect(steps.bad.error?.message).toBe(execution.error?.message);
    expect(steps.after).toBeUndefined();
  });

  it("with onError continue, outputs { error } and runs the successors", async () => {
    const { execution, steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        {
          id: "bad",
          type: "set",
          name: "Bad",
          onError: "continue",
          parameters: { fields: { x: '{{ "a" + 1 }}' } },
        },
        {
          id: "after",
          type: "set",
          name: "After",
          parameters: { fields: { saw: "{{ $json.error.message }}" } },
        },
      ],
      chain("t", "bad", "after"),
      {},
    );
    expect(execution).toMatchObject({ status: "success", error: null });
    expect(steps.bad.status).toBe("error");
    expect(steps.bad.output).toEqual({ error: { message: steps.bad.error!.message } });
    expect(steps.after).toMatchObject({ status: "success", output: { saw: steps.bad.error!.message } });
  });

  it("fails a node whose parameters are invalid after evaluation, naming node and field", async () => {
    const { execution } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "w", type: "wait", name: "Pause", parameters: { seconds: "{{ 'soon' }}" } },
      ],
      chain("t", "w"),
      {},
    );
    expect(execution.status).toBe("error");
    expect(execution.error?.message).toMatch(/^Invalid parameters for node "Pause": seconds/);
  });

  it("fails a node whose output is over the stored-size limit, at once and naming it; nothing flows on", async () => {
    const big = "x".repeat(1_000_000);
    const { execution, steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "len", type: "set", name: "Len", parameters: { fields: { seen: "{{ $json.__truncated }}" } } },
      ],
      chain("t", "len"),
      { big },
    );
    expect(execution.status).toBe("error");
    expect(execution.error).toMatchObject({ nodeId: "t" });
    expect(execution.error?.message).toMatch(
      /^Node "Start": its output is 977 KiB when stored, over the 900 KiB limit/,
    );
    // A NonRetryableError: one attempt, however many the policy allows.
    expect(steps.t).toMatchObject({ status: "error", attempts: 1 });
    expect(steps.len).toBeUndefined();
  });

  it("measures a string with one character above U+00FF at two bytes a character (its stored size)", async () => {
    // 600,001 characters: 600 KB of UTF-8 (under the limit), but stored as UTF-16 (1.2 MB, over it).
    const { execution, steps } = await run(
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "copy", type: "set", name: "Copy", parameters: { fields: { text: "{{ $json.text }}" } } },
      ],
      chain("t", "copy"),
      { text: "x".repeat(600_000) + "\u20ac" },
    );
    expect(execution.status).toBe("error");
    expect(execution.error?.message).toMatch(/^Node "Start": its output is 1\.1 MiB when stored/);
    expect(steps.copy).toBeUndefined();
  });
});
