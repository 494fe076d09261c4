/**
 * The reconciler: run by the cron handler every minute, it compares unfinished executions (`queued`,
 * `running`, `waiting`) with their Workflow instances and repairs what a crash left behind:
 *
 *   instance missing          → create it (the row was recorded, then the process died before
 *                               `RUN_WORKFLOW.create`, or a create failed without saying so, or failed
 *                               after an `immediately` webhook was answered (answerOnRecord); or a fast
 *                               run older than `FAST_HANDOFF_MS` was cut off: the durable engine takes it)
 *   instance alive            → locally, wake it (see below); on Cloudflare nothing to do
 *   instance ended (complete, → end the row `error` (or `canceled` for terminated) with a message saying
 *   errored, terminated)        why: its own last step never got to record the end
 *
 * and releases trigger claims whose run was never recorded (see storage/reconcile.ts).
 *
 * Waking: under `wrangler dev` a Workflow instance's sleeps and waits live only in memory (the local
 * engine sets no alarm), so after the runtime restarts nothing runs an instance until something calls
 * into it. `create()` with the instance's own id does: locally it re-enters the engine's `init`, which
 * replays `run()` from the recorded steps when the instance is not already running, and returns at
 * once when it is; on Cloudflare it fails with "already exists" and changes nothing. So waking is
 * always safe, and the reconciler only does it where `NODEBASE_ENV` is `development`.
 *
 * Cheap when idle: one indexed query that returns nothing. Bounded: at most `RECONCILE_BATCH` rows per
 * tick, least recently checked first, each checked at most once per `RECHECK_MS`.
 */
import { getDb } from "../storage/db";
import { cancelUnfinishedSteps, finishExecution } from "../storage/executions";
import {
  listExecutionsToReconcile,
  listOrphanedClaims,
  markExecutionsChecked,
  type ExecutionToReconcile,
} from "../storage/reconcile";
import { releaseClaim } from "../storage/triggers";
import { publishExecution } from "../realtime/publish";
import { toLiveExecution } from "./live-state";
import type { RunTicket } from "./run-ticket";

export const RECONCILE_BATCH = 200;
/** A younger run may still be between its record and its instance's first step. */
export const RECONCILE_GRACE_MS = 30_000;
/** A row is compared again after this long (a little under the cron interval, so once per tick). */
export const RECHECK_MS = 50_000;
/** Instances looked at concurrently. */
const PARALLEL = 10;
/** Claims younger than this may still be starting their run; older than the window are past retrying. */
const CLAIM_GRACE_MS = 2 * 60_000;
const CLAIM_WINDOW_MS = 60 * 60_000;
/**
 * A fast run's row (ticket `fast`, engine/fast-run.ts) younger than this belongs to the invocation running
 * it; older, a crash cut it off and it is handed to the durable engine.
 */
export const FAST_HANDOFF_MS = 5 * 60_000;

/**
 * `FAST_HANDOFF_SECONDS` (a Worker variable, at least 10) or FAST_HANDOFF_MS. It must stay above the
 * longest a fast run's own invocation lives (30 s after its answer on Cloudflare), or a run still going
 * would be started a second time; the crash test lowers it so a cut-off fast run is handed over quickly.
 */
export function fastHandoffMs(env: object): number {
  const raw = (env as { FAST_HANDOFF_SECONDS?: unknown }).FAST_HANDOFF_SECONDS;
  const seconds = Number(raw);
  return raw !== undefined && raw !== "" && Number.isInteger(seconds) && seconds >= 10
    ? seconds * 1000
    : FAST_HANDOFF_MS;
}
/** A queued run whose instance still does not exist after this long will not start: it ends `error`. */
export const START_DEADLINE_MS = 60 * 60_000;

export interface ReconcileReport {
  checked: number;
  /** Instances created for rows that had none. */
  created: number;
  /** Dormant local instances woken. */
  woken: number;
  /** Rows ended because their instance had ended. */
  ended: number;
  releasedClaims: number;
}

type InstanceState = "missing" | "alive" | "complete" | "errored" | "terminated";

export async function reconcileExecutions(
  env: Env,
  now: number,
  { batch = RECONCILE_BATCH }: { batch?: number } = {},
): Promise<ReconcileReport> {
  const db = getDb(env.DB);
  const report: ReconcileReport = { checked: 0, created: 0, woken: 0, ended: 0, releasedClaims: 0 };
  const rows = await listExecutionsToReconcile(db, {
    createdBefore: new Date(now - RECONCILE_GRACE_MS),
    checkedBefore: new Date(now - RECHECK_MS),
    limit: batch,
  });
  if (rows.length > 0) {
    await markExecutionsChecked(
      db,
      rows.map((r) => r.id),
      new Date(now),
    );
    for (let i = 0; i < rows.length; i += PARALLEL) {
      await Promise.all(rows.slice(i, i + PARALLEL).map((row) => reconcileOne(env, row, now, report)));
    }
    report.checked = rows.length;
  }
  report.releasedClaims = await releaseOrphanedClaims(env, now);
  if (report.created + report.woken + report.ended + report.releasedClaims > 0) {
    console.log("reconciler", report);
  }
  return report;
}

async function reconcileOne(env: Env, row: ExecutionToReconcile, now: number, report: ReconcileReport) {
  try {
    const state = await instanceState(env, row.id);
    // A fast run has no instance while it runs in its own invocation; only an old one was cut off.
    if (state === "missing" && row.ticket?.fast && now - row.createdAt.getTime() < fastHandoffMs(env)) return;
    if (state === "missing") {
      if (row.status === "queued" && now - row.createdAt.getTime() > START_DEADLINE_MS) {
        const message =
          "The run could not be started: its Workflow instance was never created " +
          `(still missing ${Math.round(START_DEADLINE_MS / 60_000)} minutes after the run was recorded).`;
        if (await endRow(env, row.id, "error", message)) report.ended++;
        return;
      }
      await resumeInDurableEngine(env, row.id, row.ticket);
      report.created++;
    } else if (state === "alive") {
      if (env.NODEBASE_ENV === "development") {
        await resumeInDurableEngine(env, row.id, row.ticket);
        report.woken++;
      }
    } else if (
      state === "terminated"
        ? await endRow(env, row.id, "canceled", null)
        : await endRow(
            env,
            row.id,
            "error",
            `The run's Workflow instance ended (${state}) before the run recorded its end, so nothing ` +
              "more can run; the reconciler ended it. Retry the execution to run it again.",
          )
    ) {
      report.ended++;
    }
  } catch (err) {
    console.error("reconciler: could not reconcile", row.id, String(err));
  }
}

/**
 * Makes sure the durable engine runs this execution: creates its Workflow instance (instance id =
 * execution id) or, when one exists, wakes it (locally) / leaves it alone (Cloudflare: "already exists").
 * This is also the hand-over point for a run that was not started as an instance at all (a `fast` run
 * interrupted by a crash): the durable engine replays it from its recorded state, at least once.
 */
export async function resumeInDurableEngine(
  env: Env,
  executionId: string,
  ticket: Record<string, unknown> | null = null,
): Promise<void> {
  // Locally, waking replays `run()` with the params given here, not the ones the instance was created
  // with: the stored ticket makes the replay take the same steps (without it, `execution:load` rebuilds one
  // from D1, whose reused nodes would differ from a ticket that listed none).
  const params = ticket ? { executionId, ticket: ticket as unknown as RunTicket } : { executionId };
  try {
    await env.RUN_WORKFLOW.create({ id: executionId, params });
  } catch (err) {
    if (!/already.?exists/i.test(String(err))) throw err;
  }
}

/**
 * False when the run's instance cannot run anything more (it ended, or was never created); true when it
 * may, or when that cannot be told (a cancel must then not claim the run stopped).
 */
export async function instanceMayStillRun(env: Env, executionId: string): Promise<boolean> {
  try {
    return (await instanceState(env, executionId)) === "alive";
  } catch {
    return true;
  }
}

async function instanceState(env: Env, executionId: string): Promise<InstanceState> {
  let status: string;
  try {
    status = (await (await env.RUN_WORKFLOW.get(executionId)).status()).status;
  } catch (err) {
    if (/not.?found/i.test(String(err))) return "missing";
    throw err;
  }
  if (status === "complete" || status === "errored" || status === "terminated") return status;
  return "alive";
}

/** Ends a row that can no longer run anything (and its unfinished steps); false if it had ended meanwhile. */
async function endRow(env: Env, executionId: string, status: "error" | "canceled", message: string | null) {
  const db = getDb(env.DB);
  const at = new Date();
  const row = await finishExecution(db, executionId, status, message === null ? null : { message }, at);
  if (!row) return false;
  await cancelUnfinishedSteps(db, executionId, at);
  await publishExecution(env, toLiveExecution(row));
  return true;
}

async function releaseOrphanedClaims(env: Env, now: number): Promise<number> {
  const db = getDb(env.DB);
  const orphans = await listOrphanedClaims(db, {
    after: new Date(now - CLAIM_WINDOW_MS),
    before: new Date(now - CLAIM_GRACE_MS),
    limit: RECONCILE_BATCH,
  });
  for (const claim of orphans) await releaseClaim(db, claim);
  return orphans.length;
}
