import { z } from "zod";
import { defineNode } from "./node-type";

/** Workflows sleeps for at most a year; a longer wait could never finish. */
const MAX_WAIT_SECONDS = 365 * 24 * 60 * 60;

const parameters = z
  .object({
    seconds: z
      .number()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .optional()
      .describe("How long to wait, in seconds (at most 365 days). Give this or `until`, not both"),
    until: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("Wait until this ISO time, e.g. 2026-12-24T09:00:00Z (a past time does not wait)"),
  })
  .strict()
  .refine((params) => (params.seconds === undefined) !== (params.until === undefined), {
    message: "give exactly one of `seconds` or `until`",
    path: ["seconds"],
  });

/**
 * A durable sleep: the engine turns `pause` into `step.sleep`, which costs nothing while it lasts and
 * survives restarts; after it, `run` passes the input on.
 */
export const wait = defineNode({
  type: "wait",
  version: 1,
  title: "Wait",
  description:
    "Waits for a number of seconds or until a time (durably: days cost nothing), then passes its input on.",
  category: "flow",
  icon: "clock",
  parameters,
  outputs: ["main"],
  pause(params) {
    if (params.until !== undefined) return { kind: "sleep", until: new Date(params.until) };
    return { kind: "sleep", until: new Date(Date.now() + (params.seconds ?? 0) * 1000) };
  },
  async run(ctx) {
    return { output: ctx.input };
  },
});
