/**
 * Caps on live sockets (issue 13): at most `MAX_SOCKETS_PER_ROOM` open WebSockets on one execution (or one
 * workflow's room) and `MAX_SOCKETS_PER_USER` across all rooms. Over either cap the upgrade is answered
 * 429 `too_many_sockets` before any socket is accepted.
 *
 * The room counts its own sockets (`getWebSockets()`, exact and kept across hibernation). The per-user
 * count needs one place every isolate sees, so each socket holds a lease in D1 (storage/live-sockets.ts):
 * taken before the upgrade, deleted when the socket closes, renewed by the room's alarm every half
 * `LEASE_MS` while it stays open. A room that dies without its close events leaves leases that expire.
 */
export const MAX_SOCKETS_PER_ROOM = 20;
export const MAX_SOCKETS_PER_USER = 40;
export const LEASE_MS = 10 * 60_000;

/** What a room keeps on each accepted socket (its attachment survives hibernation). */
export interface SocketAttachment {
  lease: string | null;
}

export function leaseOf(ws: WebSocket): string | null {
  try {
    return (ws.deserializeAttachment() as SocketAttachment | null)?.lease ?? null;
  } catch {
    return null;
  }
}
