import { z } from "zod";
import { defineNode } from "./node-type";

/**
 * Started by Stripe calling `/webhooks/<webhookId>`. The intake verifies `Stripe-Signature` with the
 * credential's signing secret, drops event types not listed and event ids already seen; the output is the
 * verified event as Stripe sent it.
 */
export const stripeTrigger = defineNode({
  type: "stripeTrigger",
  version: 1,
  title: "Stripe",
  description: "Starts the workflow on a verified Stripe webhook event. Outputs the event.",
  category: "trigger",
  icon: "stripe",
  parameters: z
    .object({
      events: z
        .array(z.string().min(1))
        .default([])
        .describe("Event types that start a run, e.g. checkout.session.completed; empty = every event"),
    })
    .strict(),
  credential: { types: ["stripeWebhook"], required: true },
  outputs: ["main"],
  pure: true,
  trigger: "stripe",
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
