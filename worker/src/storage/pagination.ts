/**
 * Cursor pagination, newest first. A cursor is the (createdAt, id) of the last item of a page, opaque to
 * clients (base64url JSON), so rows created in the same millisecond are neither skipped nor repeated.
 */
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

export interface PageCursor {
  /** The sort timestamp (ms) of the last item: createdAt for most lists, updatedAt for workflows. */
  at: number;
  id: string;
}

export function encodeCursor(c: PageCursor): string {
  return btoa(JSON.stringify([c.at, c.id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Undefined for a cursor we did not issue; callers answer 400 for it. */
export function decodeCursor(text: string): PageCursor | undefined {
  try {
    const value = JSON.parse(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string") {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through: not one of ours
  }
  return undefined;
}

/** WHERE part selecting rows strictly after `cursor` in (time desc, id desc) order. */
export function afterCursor(
  timeCol: SQLiteColumn,
  idCol: SQLiteColumn,
  cursor: PageCursor | undefined,
): SQL | undefined {
  if (!cursor) return undefined;
  const at = new Date(cursor.at);
  return or(lt(timeCol, at), and(eq(timeCol, at), lt(idCol, cursor.id)));
}

export const newestFirst = (createdAtCol: SQLiteColumn, idCol: SQLiteColumn) => [
  desc(createdAtCol),
  desc(idCol),
];

/** Splits `limit + 1` fetched rows into the page and the next cursor. */
export function toPage<T extends { id: string; createdAt: Date }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ at: last.createdAt.getTime(), id: last.id }) : null;
  return { items, nextCursor };
}
