import { describe, expect, it } from "vitest";
import type { ExecutionStep } from "../api/executions";
import { previewExpression, previewScopeFor, shown } from "./expression-preview";

const step = (nodeId: string, nodeName: string, input: unknown, output: unknown, status = "success") =>
  ({
    nodeId,
    nodeName,
    status,
    attempts: 1,
    input,
    output,
    error: null,
    startedAt: null,
    finishedAt: null,
  }) as ExecutionStep;

const steps = new Map([
  ["t", step("t", "Start", null, { n: 21, who: "Ada" })],
  ["a", step("a", "Double", { n: 21, who: "Ada" }, { doubled: 42 })],
]);
const edges = [
  { source: "t", target: "a" },
  { source: "a", target: "b" },
];
const run = { executionId: "x1", workflowId: "w1", steps, edges, triggerIds: new Set(["t"]) };

describe("previewScopeFor", () => {
  it("gives a node that ran its recorded input, every successful output by name and the trigger", () => {
    expect(previewScopeFor("a", run)).toEqual({
      json: { n: 21, who: "Ada" },
      nodes: { Start: { n: 21, who: "Ada" }, Double: { doubled: 42 } },
      trigger: { n: 21, who: "Ada" },
      execution: { id: "x1", workflowId: "w1" },
    });
  });

  it("gives a node that did not run the output of the node feeding it", () => {
    expect(previewScopeFor("b", run)?.json).toEqual({ doubled: 42 });
  });

  it("has nothing without a run, or for a node no run reached", () => {
    expect(previewScopeFor("a", { ...run, executionId: null })).toBeNull();
    expect(previewScopeFor("lonely", run)).toBeNull();
  });
});

describe("previewExpression", () => {
  const scope = previewScopeFor("a", run);

  it("evaluates with the engine's rules: one expression keeps its type, text gets each result", async () => {
    expect(await previewExpression("{{ $json.n * 2 }}", scope, "Double")).toEqual({
      kind: "value",
      text: "42",
    });
    expect(await previewExpression('Hi {{ $node("Start").who }}!', scope, "Double")).toEqual({
      kind: "value",
      text: "Hi Ada!",
    });
    expect(await previewExpression("{{ $trigger }}", scope, "Double")).toEqual({
      kind: "value",
      text: '{"n":21,"who":"Ada"}',
    });
  });

  it("says why a broken expression fails, with or without run data", async () => {
    const broken = await previewExpression("{{ $json.n * }}", null, "Double");
    expect(broken.kind).toBe("error");
    expect(broken.kind === "error" && broken.message).toMatch(/^\{\{ \$json\.n \* \}\}: /);
    const unknownNode = await previewExpression('{{ $node("Nope").x }}', scope, "Double");
    expect(unknownNode).toEqual({
      kind: "error",
      message: expect.stringContaining('no finished node has that name (finished nodes: "Start", "Double")'),
    });
  });

  it("checks only the syntax when there is no run data", async () => {
    expect(await previewExpression("{{ $json.n * 2 }}", null, "Double")).toEqual({ kind: "noData" });
  });

  it("is bounded by the sandbox: a runaway expression fails instead of hanging the tab", async () => {
    const result = await previewExpression("{{ $count([1..10000000]) }}", scope, "Double");
    expect(result.kind).toBe("error");
  });

  it("shows long values cut", () => {
    expect(shown("x".repeat(600))).toHaveLength(500);
    expect(shown(undefined)).toBe("(nothing: undefined)");
  });
});
