/**
 * Retention: execution records do not grow forever (D1 caps a database at 10 GB). Run by the cron handler
 * every minute, in bounded batches:
 *   - finished executions created more than `EXECUTION_RETENTION_DAYS` days ago (default 30) are deleted;
 *   - successful executions of a workflow whose `settings.saveSuccessfulRuns` is `"none"` are deleted a
 *     minute after they finish (long enough for a `respond: "lastNode"` webhook to read the answer).
 *   - a user whose executions hold more than `USER_STORAGE_QUOTA_BYTES` of step records (default 1 GiB)
 *     loses their oldest finished executions until they are under it again.
 * Failed and canceled runs are otherwise kept until the retention age. Unfinished runs are never deleted.
 * Steps go with their execution (ON DELETE CASCADE).
 *
 * Over the quota we prune rather than refuse new runs: workflows serve webhooks and schedules, and a
 * refused production run loses an event for good, while the oldest records are the least looked at (n8n
 * prunes by age and count the same way).
 */
import { getDb } from "../storage/db";
import {
  deleteFinishedExecutions,
  deleteOldestFinishedExecutions,
  usersOverStorageQuota,
} from "../storage/reconcile";

export const DEFAULT_RETENTION_DAYS = 30;
/** Executions per DELETE (each takes its steps along, e.g. a 100-element loop's hundreds of rows). */
export const PRUNE_BATCH = 200;
/** DELETEs per kind per tick: up to 2,000 executions a minute, far above any local or typical load. */
const BATCHES_PER_TICK = 5;
const UNSAVED_SUCCESS_DELAY_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;
export const DEFAULT_USER_STORAGE_QUOTA_BYTES = 1024 * 1024 * 1024;
/** Users brought back under their quota per tick (the largest excess first). */
const QUOTA_USERS_PER_TICK = 20;

/** `USER_STORAGE_QUOTA_BYTES` as a whole number of bytes ≥ 1 MiB; anything else means the default. */
export function userStorageQuota(env: object): number {
  const bytes = Number((env as { USER_STORAGE_QUOTA_BYTES?: unknown }).USER_STORAGE_QUOTA_BYTES);
  return Number.isInteger(bytes) && bytes >= 1024 * 1024 ? bytes : DEFAULT_USER_STORAGE_QUOTA_BYTES;
}

/** `EXECUTION_RETENTION_DAYS` as a whole number of days ≥ 1; anything else means the default. */
export function retentionDays(env: Pick<Env, "EXECUTION_RETENTION_DAYS">): number {
  const days = Number(env.EXECUTION_RETENTION_DAYS);
  return Number.isInteger(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
}

export async function pruneExecutions(
  env: Env,
  now: number,
): Promise<{ old: number; unsaved: number; overQuota: number }> {
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
  let overQuota = 0;
  for (const { userId, excess } of await usersOverStorageQuota(
    db,
    userStorageQuota(env),
    QUOTA_USERS_PER_TICK,
  ))
    overQuota += await deleteOldestFinishedExecutions(db, userId, excess, PRUNE_BATCH);
  if (old + unsaved + overQuota > 0)
    console.log("retention: deleted executions", { old, unsaved, overQuota });
  return { old, unsaved, overQuota };
}
