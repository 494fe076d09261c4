/**
 * Leases of open live sockets (table `live_socket`): how many WebSockets a user holds across every room.
 * A lease is taken before the upgrade, atomically against the user's cap, and deleted when the socket
 * closes; rooms renew the leases of their open sockets, so one that died without closing them expires.
 */
import { inArray, lt, sql } from "drizzle-orm";
import type { Db } from "./db";
import { liveSocket } from "./schema";

/**
 * Inserts the lease only while the user holds fewer than `maxPerUser` unexpired ones, in one statement
 * (two upgrades at once cannot both take the last place). True when the lease was taken.
 */
export async function claimSocketLease(
  db: Db,
  lease: { id: string; userId: string; room: string; expiresAt: number },
  maxPerUser: number,
  now: number,
): Promise<boolean> {
  const t = liveSocket;
  const result = await db.run(sql`
    INSERT INTO ${t} (${sql.identifier(t.id.name)}, ${sql.identifier(t.userId.name)}, ${sql.identifier(t.room.name)}, ${sql.identifier(t.expiresAt.name)})
    SELECT ${lease.id}, ${lease.userId}, ${lease.room}, ${lease.expiresAt}
    WHERE (SELECT count(*) FROM ${t} WHERE ${t.userId} = ${lease.userId} AND ${t.expiresAt} > ${now}) < ${maxPerUser}`);
  return result.meta.changes === 1;
}

export async function releaseSocketLeases(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(liveSocket).where(inArray(liveSocket.id, ids));
}

/** Extends the leases of a room's open sockets (the room's alarm calls it while they stay open). */
export async function renewSocketLeases(db: Db, ids: string[], expiresAt: number): Promise<void> {
  if (ids.length === 0) return;
  await db.update(liveSocket).set({ expiresAt }).where(inArray(liveSocket.id, ids));
}

/** Forgets leases that expired before `now` (the cron handler calls it); returns how many went. */
export async function deleteExpiredSocketLeases(db: Db, now = Date.now()): Promise<number> {
  const result = await db.delete(liveSocket).where(lt(liveSocket.expiresAt, now)).run();
  return result.meta.changes;
}
