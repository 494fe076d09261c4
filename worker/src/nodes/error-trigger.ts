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
  payload: {
    // engine/error-workflow.ts builds it from the failed execution.
    schema: z.object({
      execution: z.object({
        id: z.string(),
        workflowId: z.string(),
        mode: z.string(),
        error: z.object({
          message: z.string(),
          nodeId: z.string().nullable(),
          nodeName: z.string().nullable(),
        }),
        url: z.string(),
      }),
      workflow: z.object({ id: z.string(), name: z.string() }),
    }),
    sample: {
      execution: {
        id: "6c1f0e2a-5d4b-4c3e-9a8f-1b2c3d4e5f60",
        workflowId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        mode: "webhook",
        error: {
          message: "HTTP Request: the server answered 503 Service Unavailable",
          nodeId: "n3",
          nodeName: "Create invoice",
        },
        url: "http://127.0.0.1:8787/executions/6c1f0e2a-5d4b-4c3e-9a8f-1b2c3d4e5f60",
      },
      workflow: { id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", name: "Invoice on payment" },
    },
  },
  async run(ctx) {
    return { output: ctx.trigger ?? {} };
  },
});
