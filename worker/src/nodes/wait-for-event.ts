import { z } from "zod";
import { defineNode } from "./node-type";

const MAX_TIMEOUT_SECONDS = 365 * 24 * 60 * 60;

/**
 * Pauses the run until `POST /api/executions/:id/events/:event` delivers an event with this name (the
 * engine turns `pause` into `step.waitForEvent`), then outputs the event's payload. Past the timeout the
 * node fails; `onError: "continue"` lets the run go on.
 */
export const waitForEvent = defineNode({
  type: "waitForEvent",
  version: 1,
  title: "Wait for event",
  description:
    "Pauses the run until an event with this name is sent to the execution, then outputs its payload.",
  category: "flow",
  icon: "bell",
  parameters: z
    .object({
      // The same rule Cloudflare Workflows applies to event types.
      event: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
        .describe("Event name, sent with POST /api/executions/:id/events/<event> (letters, digits, - and _)"),
      timeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(MAX_TIMEOUT_SECONDS)
        .default(3600)
        .describe("How long to wait before the node fails, in seconds (default 1 hour, at most 365 days)"),
    })
    .strict(),
  outputs: ["main"],
  pause(params) {
    return { kind: "event", event: params.event, timeoutMs: params.timeoutSeconds * 1000 };
  },
  async run(ctx) {
    return { output: ctx.event ?? null };
  },
});
