import { z } from "zod";
import { defineNode } from "./node-type";

/** Started by an HTTP call to `/webhooks/<webhookId>` (or `/webhooks-test/<webhookId>` for the saved draft). */
export const webhookTrigger = defineNode({
  type: "webhookTrigger",
  version: 1,
  title: "Webhook",
  description: "Starts the workflow when its URL is called. Outputs the method, headers, query and body.",
  category: "trigger",
  icon: "webhook",
  parameters: z
    .object({
      method: z
        .enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
        .default("POST")
        .describe("HTTP method the URL accepts"),
      respond: z
        .enum(["immediately", "lastNode"])
        .default("immediately")
        .describe("Answer 202 at once, or wait for the run and answer with the last node's output"),
      authentication: z
        .enum(["none", "credential"])
        .default("none")
        .describe(
          "'credential': every call must pass the webhookAuth credential's header or HMAC check, and the URL is refused while no credential is set",
        ),
    })
    .strict(),
  credential: { types: ["webhookAuth"], required: false },
  outputs: ["main"],
  pure: true,
  trigger: "webhook",
  payload: {
    // triggers/intake.ts: headers and query as recorded (hop-by-hop headers dropped, secrets redacted).
    schema: z.object({
      method: z.string().min(1),
      headers: z.record(z.string(), z.string()),
      query: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
      body: z.unknown(),
    }),
    sample: {
      method: "POST",
      headers: { accept: "*/*", "content-type": "application/json", "user-agent": "curl/8.5.0" },
      query: { source: "website" },
      body: {
        orderId: "ord_1042",
        customer: { name: "Ada Lovelace", email: "ada@example.com" },
        items: [{ sku: "BOOK-7", quantity: 2, price: 12.5 }],
        total: 25,
      },
    },
  },
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
