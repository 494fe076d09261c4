/**
 * The cron handler up to `startExecution` (recording services instead of the engine); the same handler
 * wired into the Worker's default export is exercised in worker/test/schedules.test.ts.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordingServices, seedTrigger } from "../../test/fakes/trigger-fixtures";
import type { TriggerServices } from "../triggers/services";
import { getDb } from "../storage/db";
import { claimTrigger, isClaimed } from "../storage/triggers";
import { createScheduledHandler, forgetOldClaims, runScheduleTick } from "./scheduled";

const longAgo = new Date("2026-01-01T00:00:00Z");

async function tick(services: TriggerServices, at: string) {
  const controller = createScheduledController({ scheduledTime: new Date(at), cron: "* * * * *" });
  const ctx = createExecutionContext();
  await createScheduledHandler(services)(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

const startsOf = (started: { workflowId: string; triggerData: unknown }[], workflowId: string) =>
  started
    .filter((s) => s.workflowId === workflowId)
    .map((s) => (s.triggerData as { scheduledFor: string }).scheduledFor);

describe("scheduled()", () => {
  it("starts one run per due minute even when the handler runs twice for it", async () => {
    const t = await seedTrigger({
      type: "scheduleTrigger",
      parameters: { cron: "*/5 * * * *" },
      updatedAt: longAgo,
    });
    const { services, started } = recordingServices();
    await tick(services, "2026-03-02T10:15:00Z");
    await tick(services, "2026-03-02T10:15:00Z");
    await Promise.all([tick(services, "2026-03-02T10:20:00Z"), tick(services, "2026-03-02T10:20:00Z")]);
    expect(startsOf(started, t.workflowId)).toEqual(["2026-03-02T10:15:00.000Z", "2026-03-02T10:20:00.000Z"]);
    expect(started.find((s) => s.workflowId === t.workflowId)).toMatchObject({
      userId: t.userId,
      mode: "schedule",
      triggerNodeId: "trigger",
      triggerData: { scheduledFor: "2026-03-02T10:15:00.000Z", firedAt: expect.any(String) },
    });
  });

  it("uses the minute slot (seconds 0) whatever second the tick carries, and skips minutes not due", async () => {
    const t = await seedTrigger({
      type: "scheduleTrigger",
      parameters: { cron: "30 14 * * *" },
      // Saved after yesterday's 14:30, so that slot does not count as missed.
      updatedAt: new Date("2026-03-03T14:00:00Z"),
    });
    const { services, started } = recordingServices();
    await tick(services, "2026-03-03T14:29:00Z");
    await tick(services, "2026-03-03T14:30:42Z");
    expect(startsOf(started, t.workflowId)).toEqual(["2026-03-03T14:30:00.000Z"]);
  });

  it("fires the latest missed slot once after downtime, not a burst and not never", async () => {
    // Hourly schedule; the Worker was down from 05:00 to 10:17, so 06:00…10:00 were all missed.
    const t = await seedTrigger({
      type: "scheduleTrigger",
      parameters: { cron: "0 * * * *" },
      updatedAt: longAgo,
    });
    const { services, started } = recordingServices();
    await tick(services, "2026-03-04T04:00:00Z");
    await tick(services, "2026-03-04T10:17:00Z");
    await tick(services, "2026-03-04T10:18:00Z");
    await tick(services, "2026-03-04T11:00:00Z");
    expect(startsOf(started, t.workflowId)).toEqual([
      "2026-03-04T04:00:00.000Z",
      "2026-03-04T10:00:00.000Z",
      "2026-03-04T11:00:00.000Z",
    ]);
  });

  it("does not count slots from before the workflow was saved or activated as missed", async () => {
    const t = await seedTrigger({
      type: "scheduleTrigger",
      parameters: { cron: "0 9 * * *" },
      updatedAt: new Date("2026-03-05T09:30:00Z"),
    });
    const { services, started } = recordingServices();
    await tick(services, "2026-03-05T09:31:00Z");
    expect(startsOf(started, t.workflowId)).toEqual([]);
  });

  it("reads the cron in the schedule's IANA time zone", async () => {
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    const t = await seedTrigger({
      type: "scheduleTrigger",
      parameters: { cron: "0 9 * * *", timezone: "Europe/Paris" },
      updatedAt: longAgo,
    });
    const { services, started } = recordingServices();
    await tick(services, "2026-02-10T08:00:00Z");
    await tick(services, "2026-02-10T09:00:00Z");
    await tick(services, "2026-07-10T07:00:00Z");
    expect(startsOf(started, t.workflowId)).toEqual(["2026-02-10T08:00:00.000Z", "2026-07-10T07:00:00.000Z"]);
  });

  it("never fires an inactive workflow", async () => {
    const t = await seedTrigger({
      type: "scheduleTrigger",
      parameters: { cron: "* * * * *" },
      active: false,
      updatedAt: longAgo,
    });
    const { services, started } = recordingServices();
    await tick(services, "2026-03-06T12:00:00Z");
    expect(startsOf(started, t.workflowId)).toEqual([]);
  });

  it("gives a slot back when the run could not start, so the next tick fires it once", async () => {
    const t = await seedTrigger({
      type: "scheduleTrigger",
      parameters: { cron: "0 12 * * *" },
      updatedAt: longAgo,
    });
    const failing = recordingServices({ failStart: true });
    const fired = await runScheduleTick(env, failing.services, Date.parse("2026-03-07T12:00:00Z"));
    expect(fired.filter((f) => f.workflowId === t.workflowId)).toEqual([]);
    const working = recordingServices();
    const next = await runScheduleTick(env, working.services, Date.parse("2026-03-07T12:01:00Z"));
    expect(next.filter((f) => f.workflowId === t.workflowId)).toEqual([
      {
        workflowId: t.workflowId,
        nodeId: "trigger",
        scheduledFor: "2026-03-07T12:00:00.000Z",
        executionId: expect.any(String),
        missed: true,
      },
    ]);
  });

  it("forgets schedule claims after 2 days and Stripe event ids after 30", async () => {
    const t = await seedTrigger({ type: "stripeTrigger", parameters: {} });
    const db = getDb(env.DB);
    const key = (claimKey: string) => ({ workflowId: t.workflowId, nodeId: t.nodeId, claimKey });
    for (const k of ["schedule:old", "stripe:evt_old"]) expect(await claimTrigger(db, key(k))).toBe(true);
    const day = 24 * 60 * 60 * 1000;
    // Three days on, the schedule claim has gone and the Stripe one is still remembered.
    await forgetOldClaims(env, Date.now() + 3 * day);
    expect(await isClaimed(db, key("schedule:old"))).toBe(false);
    expect(await isClaimed(db, key("stripe:evt_old"))).toBe(true);
    await forgetOldClaims(env, Date.now() + 31 * day);
    expect(await isClaimed(db, key("stripe:evt_old"))).toBe(false);
  });
});
