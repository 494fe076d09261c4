/**
 * The every-minute cron handler: starts one run per active schedule whose cron is due in this minute slot,
 * and polls the RSS triggers that are due (triggers/rss-poll.ts).
 *
 * Exactly once: before starting, a tick claims `trigger_claim(workflowId, nodeId, "schedule:<slot ISO>")`
 * with INSERT … ON CONFLICT DO NOTHING; only the tick whose insert wrote the row starts the run, so a
 * handler that runs twice (Cloudflare retries, overlapping deploys) cannot double-fire.
 *
 * After downtime: when this slot is not due, the latest due slot of the last 24 h that nobody claimed is
 * fired once (marked with its own `scheduledFor`); older missed slots are not replayed in a burst. Slots
 * before the workflow was last saved or (de)activated never count as missed.
 *
 * Workflows, activation and cron expressions are read fresh each tick, so edits apply the next minute.
 */
import { deleteEndedWindows } from "../storage/rate-limits";
import { deleteExpiredSocketLeases } from "../storage/live-sockets";
import { Cron } from "croner";
import { reconcileExecutions } from "../engine/reconciler";
import { pruneExecutions } from "../engine/retention";
import { scheduleOutput, scheduleTrigger } from "../nodes/schedule-trigger";
import { getDb, type Db } from "../storage/db";
import {
  claimTrigger,
  deleteClaimsBefore,
  isClaimed,
  listActiveSchedules,
  releaseClaimUnlessRecorded,
  type ActiveSchedule,
  type ClaimKey,
} from "../storage/triggers";
import { runFeedPolls } from "../triggers/rss-poll";
import type { TriggerServices } from "../triggers/services";

const MINUTE_MS = 60_000;
/** How far back a missed slot may be fired after downtime. */
export const MISSED_SLOT_LOOKBACK_MS = 24 * 60 * MINUTE_MS;
/**
 * How long claims are kept. Schedule claims only need to outlive the missed-slot look-back; Stripe event
 * ids must outlive Stripe's retries (up to 3 days), with a wide margin.
 */
export const CLAIM_RETENTION_MS = {
  "schedule:": 2 * MISSED_SLOT_LOOKBACK_MS,
  // Timestamped webhook HMAC signatures: kept past their 5-minute window, after which they are refused anyway.
  "hmac:": 15 * 60_000,
  stripe: 30 * MISSED_SLOT_LOOKBACK_MS,
  // GitHub lets a person redeliver a delivery for days; keep the delivery ids as long as Stripe's.
  github: 30 * MISSED_SLOT_LOOKBACK_MS,
};

export interface ScheduleFiring {
  workflowId: string;
  nodeId: string;
  scheduledFor: string;
  executionId: string;
  missed: boolean;
}

export function createScheduledHandler(services: TriggerServices) {
  return async (controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> => {
    ctx.waitUntil(runScheduleTick(env, services, controller.scheduledTime));
    // RSS triggers whose pollMinutes have passed (triggers/rss-poll.ts); a failing feed fails only its own poll.
    ctx.waitUntil(runFeedPolls(env, services, controller.scheduledTime));
    // Recovery and retention run on every tick; each is one cheap query when there is nothing to do.
    ctx.waitUntil(reconcileExecutions(env, Date.now()));
    ctx.waitUntil(pruneExecutions(env, Date.now()));
    // Once an hour is plenty for housekeeping.
    if (new Date(controller.scheduledTime).getUTCMinutes() === 0) {
      ctx.waitUntil(forgetOldClaims(env, controller.scheduledTime));
      ctx.waitUntil(deleteEndedWindows(getDb(env.DB), controller.scheduledTime));
      ctx.waitUntil(deleteExpiredSocketLeases(getDb(env.DB), controller.scheduledTime));
    }
  };
}

/** One tick: every due (or missed) schedule is claimed and, by the claimer only, started. */
export async function runScheduleTick(
  env: Env,
  services: TriggerServices,
  scheduledTime: number,
): Promise<ScheduleFiring[]> {
  const db = getDb(env.DB);
  const slot = Math.floor(scheduledTime / MINUTE_MS) * MINUTE_MS;
  const schedules = await listActiveSchedules(db);
  const results = await Promise.allSettled(schedules.map((s) => fireIfDue(env, db, services, s, slot)));
  const fired: ScheduleFiring[] = [];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") {
      if (result.value) fired.push(result.value);
    } else {
      const { workflowId, nodeId } = schedules[i];
      console.error("schedule tick failed", { workflowId, nodeId, error: String(result.reason) });
    }
  });
  return fired;
}

async function fireIfDue(
  env: Env,
  db: Db,
  services: TriggerServices,
  schedule: ActiveSchedule,
  slot: number,
): Promise<ScheduleFiring | null> {
  const params = scheduleTrigger.parameters.safeParse(schedule.parameters);
  if (!params.success) {
    console.warn("schedule skipped: invalid parameters", {
      workflowId: schedule.workflowId,
      nodeId: schedule.nodeId,
    });
    return null;
  }
  const cron = new Cron(params.data.cron, { timezone: params.data.timezone, paused: true });

  let due: number | null = null;
  let missed = false;
  if (cron.match(new Date(slot))) {
    due = slot;
  } else {
    const previous = cron.previousRuns(1, new Date(slot))[0]?.getTime();
    if (
      previous !== undefined &&
      previous >= slot - MISSED_SLOT_LOOKBACK_MS &&
      previous > schedule.workflowUpdatedAt.getTime() &&
      !(await isClaimed(db, claimFor(schedule, previous)))
    ) {
      due = previous;
      missed = true;
    }
  }
  if (due === null) return null;

  const claim = claimFor(schedule, due);
  // The claim names its run before the run exists: if the process stops in between, the reconciler
  // finds a claim without its execution and releases it, and the slot fires as a missed one.
  const plannedId = crypto.randomUUID();
  if (!(await claimTrigger(db, claim, plannedId))) return null;
  const scheduledFor = new Date(due).toISOString();
  try {
    const { executionId } = await services.startExecution(env, {
      executionId: plannedId,
      userId: schedule.userId,
      workflowId: schedule.workflowId,
      mode: "schedule",
      triggerNodeId: schedule.nodeId,
      triggerData: scheduleOutput(scheduledFor, new Date().toISOString()),
    });
    return { workflowId: schedule.workflowId, nodeId: schedule.nodeId, scheduledFor, executionId, missed };
  } catch (err) {
    // Unclaimed again, the slot counts as missed and the next tick fires it once (unless the run was
    // recorded: then the reconciler starts it).
    await releaseClaimUnlessRecorded(db, claim);
    throw err;
  }
}

function claimFor(schedule: ActiveSchedule, slot: number): ClaimKey {
  return {
    workflowId: schedule.workflowId,
    nodeId: schedule.nodeId,
    claimKey: `schedule:${new Date(slot).toISOString()}`,
  };
}

/** Deletes claims past their retention (schedule slots after 2 days, Stripe event ids after 30). */
export async function forgetOldClaims(env: Env, now: number): Promise<number> {
  const db = getDb(env.DB);
  let removed = 0;
  for (const [prefix, keepMs] of Object.entries(CLAIM_RETENTION_MS)) {
    removed += await deleteClaimsBefore(db, prefix, new Date(now - keepMs));
  }
  return removed;
}
