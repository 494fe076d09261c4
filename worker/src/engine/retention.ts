/**
 * Retention: execution records do not grow forever (D1 caps a database at 10 GB). Run by the cron handler
 * every minute, in bounded batches:
 *   - finished executions created more than `EXECUTION_RETENTION_DAYS` days ago (default 30) are deleted;
 *   - successful executions of a workflow whose `settings.saveSuccessfulRuns` is `"none"` are deleted a
 *     minute after they finish (long enough for a `respond: "lastNode"` webhook to read the answer).
 * Failed and canceled runs are always kept until the retention age. Unfinished runs are never deleted.
 * Steps go with their execution (ON DELETE CASCADE).
 */
import { getDb } from "../storage/db";
import { deleteFinishedExecutions } from "../storage/reconcile";

export const DEFAULT_RETENTION_DAYS = 30;
/** Executions per DELETE (each takes its steps along, e.g. a 100-element loop's hundreds of rows). */
export const PRUNE_BATCH = 200;
/** DELETEs per kind per tick: up to 2,000 executions a minute, far above any local or typical load. */
const BATCHES_PER_TICK = 5;
const UNSAVED_SUCCESS_DELAY_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** `EXECUTION_RETENTION_DAYS` as a whole number of days ≥ 1; anything else means the default. */
export function retentionDays(env: Pick<Env, "EXECUTION_RETENTION_DAYS">): number {
  const days = Number(env.EXECUTION_RETENTION_DAYS);
  return Number.isInteger(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
}

export async function pruneExecutions(env: Env, now: number): Promise<{ old: number; unsaved: number }> {
  const db = getDb(env.DB);
  const deleteAll = async (which: Parameters<typeof deleteFinishedExecutions>[1]) => {
    let deleted = 0;
    for (let i = 0; i < BATCHES_PER_TICK; i++) {
      const n = await deleteFinishedExecutions(db, which, PRUNE_BATCH);
      deleted += n;
      if (n < PRUNE_BATCH) break;
    }
    return deleted;
  };
  const old = await deleteAll({ createdBefore: new Date(now - retentionDays(env) * DAY_MS) });
  const unsaved = await deleteAll({ unsavedSuccessFinishedBefore: new Date(now - UNSAVED_SUCCESS_DELAY_MS) });
  if (old + unsaved > 0) console.log("retention: deleted executions", { old, unsaved });
  return { old, unsaved };
}
