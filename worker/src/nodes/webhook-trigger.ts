import { z } from "zod";
import { defineNode } from "./node-type";

export const WEBHOOK_TRIGGER_TYPE = "webhookTrigger";

/** Started by an HTTP call to `/webhooks/<webhookId>` (or `/webhooks-test/<webhookId>` for the saved draft). */
export const webhookTrigger = defineNode({
  type: WEBHOOK_TRIGGER_TYPE,
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
        .enum(["immediately", "lastNode", "responseNode"])
        .default("immediately")
        .meta({
          optionLabels: {
            immediately: "Immediately (202 with the execution id)",
            lastNode: "When the last node finishes",
            responseNode: "When a Respond to Webhook node runs",
          },
        })
        .describe(
          "Answer 202 at once; or wait and answer with the last node's output; or with what the first Respond to Webhook node sends, the moment it runs (a run that ends without one answers as for the last node). Waits at most 30 s, then 202",
        ),
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
