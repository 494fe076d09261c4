import { Cron } from "croner";
import { z } from "zod";
import { defineNode } from "./node-type";

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isValidCron(expr: string): boolean {
  if (expr.trim().split(/\s+/).length !== 5) return false;
  try {
    new Cron(expr, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The trigger's output (cron/scheduled.ts builds it): the minute slot it fired for (seconds 0) and when
 * it really fired, both ISO times.
 */
export function scheduleOutput(
  scheduledFor: string,
  firedAt: string,
): { scheduledFor: string; firedAt: string } {
  return { scheduledFor, firedAt };
}

/** Started by the Worker's every-minute cron handler when its own cron expression is due. */
export const scheduleTrigger = defineNode({
  type: "scheduleTrigger",
  version: 1,
  title: "Schedule",
  description: "Starts the workflow on a cron schedule (5 fields) in a time zone.",
  category: "trigger",
  icon: "clock",
  parameters: z
    .object({
      cron: z
        .string()
        .refine(isValidCron, "must be a valid 5-field cron expression, e.g. '*/15 * * * *'")
        .describe("Cron expression: minute hour day-of-month month day-of-week"),
      timezone: z
        .string()
        .default("UTC")
        .refine(isValidTimezone, "must be an IANA time zone such as 'Europe/Paris'")
        .describe("IANA time zone the cron is read in"),
    })
    .strict(),
  outputs: ["main"],
  pure: true,
  trigger: "schedule",
  payload: {
    schema: z.object({ scheduledFor: z.iso.datetime(), firedAt: z.iso.datetime() }),
    sample: scheduleOutput("2026-01-05T09:00:00.000Z", "2026-01-05T09:00:00.412Z"),
  },
  async run(ctx) {
    return { output: ctx.trigger };
  },
});
