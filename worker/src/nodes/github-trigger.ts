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
  payload: {
    // triggers/github.ts: X-GitHub-Event, X-GitHub-Delivery and the JSON GitHub sent (here a push, trimmed).
    schema: z.object({ event: z.string().min(1), delivery: z.string().min(1), payload: z.unknown() }),
    sample: {
      event: "push",
      delivery: "3f1c7a80-2b5e-11f0-8a8e-4c2d5e6f7a8b",
      payload: {
        ref: "refs/heads/main",
        before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        after: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        repository: {
          id: 1296269,
          name: "hello-world",
          full_name: "octocat/hello-world",
          private: false,
          html_url: "https://github.com/octocat/hello-world",
          default_branch: "main",
        },
        pusher: { name: "octocat", email: "octocat@github.com" },
        sender: { login: "octocat", id: 583231, type: "User" },
        commits: [
          {
            id: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
            message: "Fix the README",
            timestamp: "2026-01-05T09:12:44+00:00",
            url: "https://github.com/octocat/hello-world/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
            author: { name: "The Octocat", email: "octocat@github.com", username: "octocat" },
            added: [],
            removed: [],
            modified: ["README.md"],
          },
        ],
        head_commit: { id: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", message: "Fix the README" },
      },
    },
  },
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
