import { z } from "zod";
import { defineNode } from "./node-type";

export const WORKFLOW_TRIGGER_TYPE = "workflowTrigger";

/** Starts a sub-workflow: another workflow's `executeWorkflow` node calls it. Outputs the `input` it sent. */
export const workflowTrigger = defineNode({
  type: WORKFLOW_TRIGGER_TYPE,
  version: 1,
  title: "When called by another workflow",
  description:
    "Starts this workflow from another workflow's Execute workflow node. Outputs the input it sends.",
  category: "trigger",
  icon: "workflow",
  parameters: z.object({}).strict(),
  outputs: ["main"],
  trigger: "subworkflow",
  // The caller's `input`: any JSON; the sample is what a parent might hand over.
  payload: { schema: z.unknown(), sample: { customerId: "cus_R4nD0mCu5t0m", email: "ada@example.com" } },
  async run(ctx) {
    return { output: ctx.trigger ?? {} };
  },
});
