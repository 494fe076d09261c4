import { z } from "zod";
import { defineNode } from "./node-type";

/**
 * Started by GitHub calling `/webhooks/<webhookId>` (set it as the webhook's Payload URL, content type
 * application/json, with the credential's secret). Intake checks `X-Hub-Signature-256` in constant time,
 * acknowledges events not listed (GitHub's `ping` included) without a run, and starts nothing for a
 * `X-GitHub-Delivery` already received (GitHub's "Redeliver" button); see triggers/github.ts.
 */
export const githubTrigger = defineNode({
  type: "githubTrigger",
  version: 1,
  title: "GitHub",
  description:
    "Starts the workflow on a verified GitHub webhook delivery. Outputs { event, delivery, payload }.",
  category: "trigger",
  icon: "github",
  parameters: z
    .object({
      events: z
        .array(z.string().min(1))
        .min(1)
        .describe(
          'Events that start a run (X-GitHub-Event), e.g. push, issues, pull_request; "*" = every event but ping',
        ),
    })
    .strict(),
  credential: { types: ["githubWebhook"], required: true },
  outputs: ["main"],
  pure: true,
  trigger: "github",
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
