/**
 * Opens a live socket on a room within the caps of realtime/socket-leases.ts: a lease under the user's cap
 * first (so a refused caller costs one D1 statement and no room work), then the room's own cap. Either
 * refusal is 429 `too_many_sockets` with `Retry-After`, and holds nothing (the lease is given back).
 */
import type { Context } from "hono";
import { getDb } from "../storage/db";
import { claimSocketLease, releaseSocketLeases } from "../storage/live-sockets";
import { LEASE_MS, MAX_SOCKETS_PER_ROOM, MAX_SOCKETS_PER_USER } from "../realtime/socket-leases";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

/** Seconds a refused client should wait before trying again (sockets close as editors are closed). */
const RETRY_AFTER_SECONDS = 10;

export async function connectLive(
  c: Context<AppEnv, any, any>,
  room: { name: string; stub: DurableObjectStub; url: string },
  seed: () => Promise<void>,
): Promise<Response> {
  const db = getDb(c.env.DB);
  const lease = crypto.randomUUID();
  const now = Date.now();
  const claimed = await claimSocketLease(
    db,
    { id: lease, userId: c.var.userId, room: room.name, expiresAt: now + LEASE_MS },
    MAX_SOCKETS_PER_USER,
    now,
  );
  if (!claimed) throw tooManySockets(c, "user", MAX_SOCKETS_PER_USER);
  let res: Response;
  try {
    await seed();
    const url = new URL(room.url);
    url.searchParams.set("lease", lease);
    res = await room.stub.fetch(new Request(url, c.req.raw));
  } catch (err) {
    await releaseSocketLeases(db, [lease]);
    throw err;
  }
  if (res.status !== 429) return res;
  await releaseSocketLeases(db, [lease]);
  throw tooManySockets(c, "room", MAX_SOCKETS_PER_ROOM);
}

function tooManySockets(c: Context<AppEnv, any, any>, scope: "user" | "room", limit: number) {
  c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  const what = scope === "user" ? "you have" : "this execution has";
  return new ApiError(
    429,
    "too_many_sockets",
    `Too many live sockets: ${what} ${limit} open (at most ${limit}); close one or retry in ${RETRY_AFTER_SECONDS} s`,
    { scope, limit, retryAfterSeconds: RETRY_AFTER_SECONDS },
  );
}
