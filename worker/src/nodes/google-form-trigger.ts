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
  payload: {
    // triggers/google-form.ts `googleFormOutput`: respondent null when the form collects no e-mail.
    schema: z.object({
      responses: z.record(z.string(), z.unknown()),
      respondent: z.string().nullable(),
      submittedAt: z.iso.datetime({ offset: true }),
    }),
    sample: {
      responses: {
        "Your name": "Ada Lovelace",
        "How did you hear about us?": "A friend",
        "Which topics interest you?": ["Automation", "Webhooks"],
        "How likely are you to recommend us? (1-10)": "9",
      },
      respondent: "ada@example.com",
      submittedAt: "2026-01-05T09:12:44.000Z",
    },
  },
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
