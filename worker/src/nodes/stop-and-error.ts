import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { defineNode } from "./node-type";

/**
 * Fails the run on purpose with a message (n8n's "Stop and Error"): for input that must not go on, e.g.
 * after an `if` that found it invalid. The failure is final: retrying the same input cannot change it.
 * The node's `onError` still applies, so `errorOutput` can route the failure elsewhere.
 */
export const stopAndError = defineNode({
  type: "stopAndError",
  version: 1,
  title: "Stop and error",
  description: "Fails the run with this message (never retried). Error workflows see the message.",
  category: "flow",
  icon: "octagon",
  parameters: z
    .object({
      message: z
        .string()
        .trim()
        .min(1)
        .max(2000)
        .describe("Why the run stops; may use {{ expressions }}, e.g. Order {{ $json.id }} has no total"),
    })
    .strict(),
  outputs: ["main"],
  pure: true,
  async run(ctx) {
    // NonRetryableError: the node's retry policy does not run it again.
    throw new NonRetryableError(ctx.params.message);
  },
});
