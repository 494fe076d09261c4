import { z } from "zod";
import { defineNode } from "./node-type";

export const ERROR_TRIGGER_TYPE = "errorTrigger";

/**
 * Starts an error workflow: a workflow named in another's `settings.errorWorkflowId` runs once (mode
 * `error`) for every failed execution of that one. Outputs what failed, with a link to the execution:
 * `{ execution: { id, workflowId, mode, error: { message, nodeId, nodeName }, url }, workflow: { id, name } }`.
 */
export const errorTrigger = defineNode({
  type: ERROR_TRIGGER_TYPE,
  version: 1,
  title: "Error trigger",
  description:
    "Starts this workflow when a workflow that names it as its error workflow fails. Outputs the failed execution.",
  category: "trigger",
  icon: "alert",
  parameters: z.object({}).strict(),
  outputs: ["main"],
  pure: true,
  trigger: "error",
  async run(ctx) {
    return { output: ctx.trigger ?? {} };
  },
});
