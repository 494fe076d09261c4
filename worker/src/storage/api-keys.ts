/**
 * Personal API keys. The key is `nb_` + 32 random bytes (base64url), shown once; only its SHA-256 is
 * stored, so a database leak yields no usable key. Lookup is by that hash (unique index).
 */
import { and, eq } from "drizzle-orm";
import { bytesToBase64Url } from "../credentials/cipher";
import type { Db } from "./db";
import { afterCursor, newestFirst, toPage, type PageCursor } from "./pagination";
import { apiKey } from "./schema";

export const API_KEY_PREFIX = "nb_";
/** How many leading characters are kept readable (`nb_` + 8), so a person can tell keys apart. */
const VISIBLE_PREFIX_LENGTH = 11;
/** `last_used_at` is refreshed at most this often, so an API client does not cause a write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function createApiKey(db: Db, userId: string, name: string) {
  const key = API_KEY_PREFIX + bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const row = {
    id: crypto.randomUUID(),
    userId,
    name,
    prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
    keyHash: await sha256Hex(key),
    createdAt: new Date(),
  };
  await db.insert(apiKey).values(row);
  return { id: row.id, name: row.name, key, createdAt: row.createdAt };
}

export async function listApiKeys(db: Db, userId: string, limit: number, cursor?: PageCursor) {
  const rows = await db
    .select({
      id: apiKey.id,
      name: apiKey.name,
      prefix: apiKey.prefix,
      createdAt: apiKey.createdAt,
      lastUsedAt: apiKey.lastUsedAt,
    })
    .from(apiKey)
    .where(and(eq(apiKey.userId, userId), afterCursor(apiKey.createdAt, apiKey.id, cursor)))
    .orderBy(...newestFirst(apiKey.createdAt, apiKey.id))
    .limit(limit + 1);
  return toPage(rows, limit);
}

/** True when a key of this user was deleted; false when there is none (or it is someone else's). */
export async function deleteApiKey(db: Db, userId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(apiKey)
    .where(and(eq(apiKey.id, id), eq(apiKey.userId, userId)))
    .returning({ id: apiKey.id });
  return deleted.length > 0;
}

/**
 * The owner of a presented key, or undefined. Also returns a write to run in the background when
 * `lastUsedAt` is stale (the caller hands it to `waitUntil`).
 */
export async function findApiKeyOwner(db: Db, key: string) {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const [row] = await db
    .select({ id: apiKey.id, userId: apiKey.userId, lastUsedAt: apiKey.lastUsedAt })
    .from(apiKey)
    .where(eq(apiKey.keyHash, await sha256Hex(key)))
    .limit(1);
  if (!row) return undefined;
  const now = Date.now();
  const stale = !row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS;
  const touch = stale
    ? db
        .update(apiKey)
        .set({ lastUsedAt: new Date(now) })
        .where(eq(apiKey.id, row.id))
        .then(() => undefined)
    : undefined;
  return { userId: row.userId, touch };
}
