import { z } from "zod";
import { defineNode } from "./node-type";

/** Started from the editor's Run button or `POST /api/workflows/:id/run`; outputs the JSON body given. */
export const manualTrigger = defineNode({
  type: "manualTrigger",
  version: 1,
  title: "Manual trigger",
  description: "Starts the workflow when you press Run or call the run API. Outputs the JSON body given.",
  category: "trigger",
  icon: "play",
  parameters: z.object({}).strict(),
  outputs: ["main"],
  pure: true,
  trigger: "manual",
  // Any JSON body is the output; the sample is what a form on a web page might send.
  payload: { schema: z.unknown(), sample: { name: "Ada Lovelace", email: "ada@example.com", plan: "pro" } },
  async run(ctx) {
    return { output: ctx.trigger ?? {} };
  },
});
