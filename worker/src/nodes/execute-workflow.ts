import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import type { ChildOutcome } from "../engine/sub-workflow";
import { defineNode } from "./node-type";

/** The JSON Schema `format` the editor draws as a picker of the user's workflows. */
const WORKFLOW_ID_FORMAT = "workflow-id";

/**
 * Runs another workflow of the same owner (it must start with a `workflowTrigger`) as its own execution,
 * mode `subworkflow`. With `wait` (default) the node outputs the child's last node output, after a durable
 * wait, and a failed child fails this node with the child's message; without, it outputs `{ executionId }`
 * at once. The engine starts the child (engine/sub-workflow.ts); this node only says what to start.
 */
export const EXECUTE_WORKFLOW_TYPE = "executeWorkflow";

export const executeWorkflow = defineNode({
  type: EXECUTE_WORKFLOW_TYPE,
  version: 1,
  title: "Execute workflow",
  description: "Runs another of your workflows (with a workflowTrigger) and outputs its result.",
  category: "flow",
  icon: "workflow",
  parameters: z
    .object({
      workflowId: z
        .string()
        .min(1)
        .max(100)
        .meta({ format: WORKFLOW_ID_FORMAT })
        .describe("The workflow to run: one of yours that starts with a workflowTrigger"),
      input: z
        .unknown()
        .optional()
        .describe("What the called workflow's trigger outputs (default: this node's input, $json)"),
      wait: z
        .boolean()
        .default(true)
        .describe(
          "Wait for it to finish and output its last node's output; off: output { executionId } at once",
        ),
    })
    .strict(),
  outputs: ["main"],
  pause(params) {
    return { kind: "subworkflow", workflowId: params.workflowId, input: params.input, wait: params.wait };
  },
  async run(ctx) {
    if (!ctx.params.wait) return { output: ctx.event ?? null };
    const child = ctx.event as ChildOutcome | undefined;
    if (!child) throw new NonRetryableError(`Node "${ctx.node.name}": the sub-workflow sent no result`);
    if (child.status !== "success") {
      // The child's own message, as is: nested calls do not pile up prefixes; the execution page links the child.
      throw new NonRetryableError(
        child.error?.message ?? `Sub-workflow execution ${child.executionId} ended ${child.status}`,
      );
    }
    return { output: child.output ?? null };
  },
});
