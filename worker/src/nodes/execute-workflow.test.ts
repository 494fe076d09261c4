import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { executeWorkflow } from "./execute-workflow";

describe("executeWorkflow", () => {
  it("asks the engine to start the workflow, waiting by default", () => {
    const params = executeWorkflow.parameters.parse({ workflowId: "wf-2", input: { n: 1 } });
    expect(executeWorkflow.pause!(params)).toEqual({
      kind: "subworkflow",
      workflowId: "wf-2",
      input: { n: 1 },
      wait: true,
    });
  });

  it("outputs the child's last node output, or fails with the child's message", async () => {
    const ok = { executionId: "c1", status: "success", output: { doubled: 4 }, error: null };
    expect(await runNode(executeWorkflow, { workflowId: "wf-2" }, { event: ok })).toEqual({
      output: { doubled: 4 },
    });
    const failed = { executionId: "c1", status: "error", output: null, error: { message: "child broke" } };
    const err = await runNode(executeWorkflow, { workflowId: "wf-2" }, { event: failed }).catch((e) => e);
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.message).toBe("child broke");
  });

  it("without wait outputs what the engine handed over ({ executionId })", async () => {
    expect(
      await runNode(executeWorkflow, { workflowId: "wf-2", wait: false }, { event: { executionId: "c1" } }),
    ).toEqual({ output: { executionId: "c1" } });
  });

  it("needs a workflowId", () => {
    expect(executeWorkflow.parameters.safeParse({}).success).toBe(false);
  });
});
