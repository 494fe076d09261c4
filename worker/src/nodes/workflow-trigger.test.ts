import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { workflowTrigger } from "./workflow-trigger";

describe("workflowTrigger", () => {
  it("outputs the input its caller sent", async () => {
    expect(await runNode(workflowTrigger, {}, { trigger: { n: 21 } })).toEqual({ output: { n: 21 } });
  });

  it("is a sub-workflow trigger without parameters", () => {
    expect(workflowTrigger.trigger).toBe("subworkflow");
    expect(workflowTrigger.parameters.safeParse({ x: 1 }).success).toBe(false);
  });
});
