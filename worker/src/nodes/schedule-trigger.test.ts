import { describe, expect, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { scheduleTrigger } from "./schedule-trigger";

describe("scheduleTrigger node", () => {
  it("outputs { scheduledFor, firedAt } from the cron handler", async () => {
    const fired = { scheduledFor: "2026-01-01T09:00:00.000Z", firedAt: "2026-01-01T09:00:00.412Z" };
    const ctx = runContext(scheduleTrigger, { cron: "0 9 * * *" }, { trigger: fired });
    expect((await scheduleTrigger.run(ctx)).output).toEqual(fired);
  });

  it("takes 5-field crons and IANA time zones (UTC by default) only", () => {
    expect(scheduleTrigger.parameters.parse({ cron: "*/15 * * * *" })).toEqual({
      cron: "*/15 * * * *",
      timezone: "UTC",
    });
    expect(scheduleTrigger.parameters.safeParse({ cron: "0 */15 * * * *" }).success).toBe(false);
    expect(scheduleTrigger.parameters.safeParse({ cron: "61 * * * *" }).success).toBe(false);
    expect(
      scheduleTrigger.parameters.safeParse({ cron: "0 9 * * *", timezone: "Europe/Paris" }).success,
    ).toBe(true);
    expect(
      scheduleTrigger.parameters.safeParse({ cron: "0 9 * * *", timezone: "Mars/Olympus" }).success,
    ).toBe(false);
  });
});
