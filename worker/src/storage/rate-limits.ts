/**
 * Fixed-window counters for rate limits. One statement per hit: the UPSERT either starts a window or
 * adds one to it, and RETURNING gives the new count, so two isolates hitting the same key at once both
 * see a count that includes the other (D1 applies writes one at a time).
 */
import { lt, sql, type Placeholder } from "drizzle-orm";
import type { Db } from "./db";
import { rateLimit } from "./schema";

export interface WindowCount {
  count: number;
  /** End of the window (ms since epoch). */
  resetAt: number;
}

/** Counts one hit on `key` in a window of `windowMs` that started at its first hit. */
export async function countHit(
  db: Db,
  key: string,
  windowMs: number,
  now = Date.now(),
): Promise<WindowCount> {
  const rows = await db
    .insert(rateLimit)
    .values({ key, count: 1, resetAt: now + windowMs })
    .onConflictDoUpdate(windowUpsert(now, now + windowMs))
    .returning({ count: rateLimit.count, resetAt: rateLimit.resetAt });
  return rows[0];
}

/**
 * The fixed-window rule on conflict: a hit after the window's end starts a new one at 1. `now` and
 * `resetAt` (now + the window) are numbers, or placeholders of a statement built once (storage/triggers.ts).
 */
export function windowUpsert(now: number | Placeholder, resetAt: number | Placeholder) {
  return {
    target: rateLimit.key,
    set: {
      count: sql`CASE WHEN ${rateLimit.resetAt} <= ${now} THEN 1 ELSE ${rateLimit.count} + 1 END`,
      resetAt: sql`CASE WHEN ${rateLimit.resetAt} <= ${now} THEN ${resetAt} ELSE ${rateLimit.resetAt} END`,
    },
  };
}

/** Forgets windows that ended before `before` (the cron handler calls it); returns how many went. */
export async function deleteEndedWindows(db: Db, before = Date.now()): Promise<number> {
  const result = await db.delete(rateLimit).where(lt(rateLimit.resetAt, before)).run();
  return result.meta.changes;
}
