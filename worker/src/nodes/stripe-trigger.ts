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
  payload: {
    // The verified event as Stripe sends it (triggers/intake.ts passes it on unchanged).
    schema: z.looseObject({
      id: z.string().min(1),
      object: z.literal("event"),
      type: z.string().min(1),
      created: z.number().int(),
      data: z.looseObject({ object: z.record(z.string(), z.unknown()) }),
    }),
    sample: {
      id: "evt_1QmZ8rLkdIwHu7ix0Sb3XyZa",
      object: "event",
      api_version: "2024-06-20",
      created: 1767604364,
      type: "checkout.session.completed",
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: {
        object: {
          id: "cs_test_a1b2c3d4e5f6",
          object: "checkout.session",
          amount_total: 2500,
          currency: "usd",
          customer: "cus_R4nD0mCu5t0m",
          customer_details: { email: "ada@example.com", name: "Ada Lovelace" },
          mode: "payment",
          payment_status: "paid",
          status: "complete",
          metadata: { orderId: "ord_1042" },
        },
      },
    },
  },
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
