import { z } from "zod";
import { defineNode } from "./node-type";

/**
 * Started by the Apps Script installed in a Google Form (docs/webhooks.md), which posts each submission to
 * `/webhooks/<webhookId>` with the credential's secret in `X-Nodebase-Secret`. The intake builds the output.
 */
export const googleFormTrigger = defineNode({
  type: "googleFormTrigger",
  version: 1,
  title: "Google Form",
  description:
    "Starts the workflow when a Google Form is submitted. Outputs { responses, respondent, submittedAt }.",
  category: "trigger",
  icon: "form",
  parameters: z.object({}).strict(),
  credential: { types: ["googleForm"], required: true },
  outputs: ["main"],
  pure: true,
  trigger: "googleForm",
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
