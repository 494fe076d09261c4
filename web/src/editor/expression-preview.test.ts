/**
 * The bindings the preview is computed against. The evaluation itself is the server's
 * (worker/test/expression-preview.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { ExecutionStep } from "../api/executions";
import { previewScopeFor } from "./expression-preview";

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
