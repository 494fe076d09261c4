/**
 * Loop records: one `loop_item` row per element (its value, then its result) and one `item_step` row per
 * body node per element. Writes are conditional or idempotent because a loop's steps may be retried: an
 * element recorded `success` is never written again.
 */
import { and, asc, eq, gt, gte, inArray, lt, ne, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./db";
import { itemStep, loopItem, type LoopItemStatus } from "./schema";

export type LoopItemRow = typeof loopItem.$inferSelect;
export type ItemStepRow = typeof itemStep.$inferSelect;
export type ItemStepInsert = typeof itemStep.$inferInsert;

/** D1 binds at most 100 parameters per statement; six columns per row → 16 rows per insert. */
const ROWS_PER_INSERT = 16;

export interface LoopKey {
  executionId: string;
  loopNodeId: string;
  parentPath: string;
}

/** Writes the elements of a loop as `pending`; elements already recorded (a retried step, reused
 * successes of a `fromFailed` retry) are kept as they are. */
export async function insertLoopItems(db: Db, key: LoopKey, values: readonly unknown[]) {
  const statements: BatchItem<"sqlite">[] = [];
  for (let from = 0; from < values.length; from += ROWS_PER_INSERT) {
    const rows = values.slice(from, from + ROWS_PER_INSERT).map((value, i) => ({
      ...key,
      itemIndex: from + i,
      status: "pending" as const,
      value: value ?? null,
    }));
    statements.push(db.insert(loopItem).values(rows).onConflictDoNothing());
  }
  await runBatch(db, statements);
}

/** The elements with index in [from, to) that have not succeeded yet, in order. */
export async function listUnfinishedItems(db: Db, key: LoopKey, from: number, to: number) {
  return db
    .select({ itemIndex: loopItem.itemIndex, value: loopItem.value })
    .from(loopItem)
    .where(
      and(
        ...loopFilter(key),
        gte(loopItem.itemIndex, from),
        lt(loopItem.itemIndex, to),
        ne(loopItem.status, "success"),
      ),
    )
    .orderBy(asc(loopItem.itemIndex));
}

/** One element's row, or null. */
export async function findLoopItem(db: Db, key: LoopKey, itemIndex: number) {
  const rows = await db
    .select()
    .from(loopItem)
    .where(and(...loopFilter(key), eq(loopItem.itemIndex, itemIndex)))
    .limit(1);
  return rows[0] ?? null;
}

/** Every element's outcome, in element order (what `done` is built from). */
export async function listLoopOutcomes(db: Db, key: LoopKey) {
  return db
    .select({
      itemIndex: loopItem.itemIndex,
      status: loopItem.status,
      result: loopItem.result,
      error: loopItem.error,
    })
    .from(loopItem)
    .where(and(...loopFilter(key)))
    .orderBy(asc(loopItem.itemIndex));
}

export interface ElementRecord {
  itemIndex: number;
  status: Exclude<LoopItemStatus, "pending">;
  result: unknown;
  error: { message: string; nodeId?: string } | null;
  /** The body's step records for this element. */
  steps: ItemStepInsert[];
}

/**
 * Records finished elements and their body steps in one D1 batch. A success is final: a later write for
 * the same element (a step retried after it was recorded) changes nothing.
 */
export async function recordElements(db: Db, key: LoopKey, elements: readonly ElementRecord[]) {
  const statements: BatchItem<"sqlite">[] = [];
  const finishedAt = new Date();
  for (const element of elements) {
    for (const s of element.steps) statements.push(stepUpsert(db, s));
    statements.push(
      db
        .update(loopItem)
        .set({ status: element.status, result: element.result ?? null, error: element.error, finishedAt })
        .where(
          and(...loopFilter(key), eq(loopItem.itemIndex, element.itemIndex), ne(loopItem.status, "success")),
        ),
    );
  }
  await runBatch(db, statements);
}

/** Writes one body step record (bodies that wait record each node as its own step finishes). */
export async function upsertItemStep(db: Db, row: ItemStepInsert) {
  await stepUpsert(db, row);
}

/** A body step record's upsert: keeps the first `startedAt`, never overwrites a success. */
function stepUpsert(db: Db, s: ItemStepInsert) {
  return db
    .insert(itemStep)
    .values(s)
    .onConflictDoUpdate({
      target: [itemStep.executionId, itemStep.nodeId, itemStep.parentPath, itemStep.itemIndex],
      set: { ...s, startedAt: sql`coalesce(${itemStep.startedAt}, ${s.startedAt?.getTime() ?? null})` },
      setWhere: ne(itemStep.status, "success"),
    });
}

export interface NodeItemCounts {
  nodeId: string;
  /** Elements this node has finished (succeeded, failed or skipped). */
  done: number;
  failed: number;
}

/** Per body node: how many elements it finished and how many failed (live progress, execution summary). */
export async function countItemSteps(db: Db, executionId: string, nodeIds?: readonly string[]) {
  const rows = await db
    .select({ nodeId: itemStep.nodeId, status: itemStep.status, n: sql<number>`count(*)` })
    .from(itemStep)
    .where(
      and(
        eq(itemStep.executionId, executionId),
        nodeIds ? inArray(itemStep.nodeId, [...nodeIds]) : undefined,
        inArray(itemStep.status, ["success", "error", "skipped"]),
      ),
    )
    .groupBy(itemStep.nodeId, itemStep.status);
  const counts = new Map<string, NodeItemCounts>();
  for (const r of rows) {
    const c = counts.get(r.nodeId) ?? { nodeId: r.nodeId, done: 0, failed: 0 };
    c.done += Number(r.n);
    if (r.status === "error") c.failed += Number(r.n);
    counts.set(r.nodeId, c);
  }
  return counts;
}

/** Elements per loop node, over every parent path (a nested loop's total grows as the outer one runs). */
export async function countLoopItems(db: Db, executionId: string) {
  const rows = await db
    .select({ loopNodeId: loopItem.loopNodeId, n: sql<number>`count(*)` })
    .from(loopItem)
    .where(eq(loopItem.executionId, executionId))
    .groupBy(loopItem.loopNodeId);
  return new Map(rows.map((r) => [r.loopNodeId, Number(r.n)]));
}

export interface ItemStepQuery {
  nodeId?: string;
  itemIndex?: number;
  parentPath?: string;
  status?: string;
  limit: number;
  /** Keyset cursor: the last row of the previous page. */
  after?: { nodeId: string; parentPath: string; itemIndex: number };
}

/** Body step records ordered by node, parent path, element; `limit + 1` rows so a next page shows. */
export async function listItemSteps(db: Db, executionId: string, q: ItemStepQuery): Promise<ItemStepRow[]> {
  const t = itemStep;
  const filters = [eq(t.executionId, executionId)];
  if (q.nodeId !== undefined) filters.push(eq(t.nodeId, q.nodeId));
  if (q.itemIndex !== undefined) filters.push(eq(t.itemIndex, q.itemIndex));
  if (q.parentPath !== undefined) filters.push(eq(t.parentPath, q.parentPath));
  if (q.status !== undefined) filters.push(eq(t.status, q.status as ItemStepRow["status"]));
  if (q.after) {
    const a = q.after;
    filters.push(
      or(
        gt(t.nodeId, a.nodeId),
        and(eq(t.nodeId, a.nodeId), gt(t.parentPath, a.parentPath)),
        and(eq(t.nodeId, a.nodeId), eq(t.parentPath, a.parentPath), gt(t.itemIndex, a.itemIndex)),
      )!,
    );
  }
  return db
    .select()
    .from(t)
    .where(and(...filters))
    .orderBy(asc(t.nodeId), asc(t.parentPath), asc(t.itemIndex))
    .limit(q.limit + 1);
}

/** Retry `fromFailed`: the new execution starts with the elements that already succeeded. */
export async function copySucceededItems(db: Db, fromExecutionId: string, toExecutionId: string) {
  await db.run(sql`
    INSERT INTO loop_item (execution_id, loop_node_id, parent_path, item_index, status, value, result, error, finished_at)
    SELECT ${toExecutionId}, loop_node_id, parent_path, item_index, status, value, result, error, finished_at
    FROM loop_item WHERE execution_id = ${fromExecutionId} AND status = 'success'`);
}

/**
 * …and the body records of those elements (`bodyLoops`: each body node → its innermost loop), so the new
 * execution shows a reused element like any other (element picker, `3 / 3` on the body node). The D1
 * triggers count them toward the new execution's storage budget and refuse the statement past it.
 */
export async function copySucceededItemRecords(
  db: Db,
  fromExecutionId: string,
  toExecutionId: string,
  bodyLoops: ReadonlyMap<string, string>,
) {
  if (bodyLoops.size === 0) return;
  const loopOf = sql.join(
    [...bodyLoops].map(([node, loop]) => sql`WHEN ${node} THEN ${loop}`),
    sql` `,
  );
  await db.run(sql`
    INSERT INTO item_step (execution_id, node_id, parent_path, item_index, node_name, status, attempts, input, output, error, started_at, finished_at)
    SELECT ${toExecutionId}, s.node_id, s.parent_path, s.item_index, s.node_name, s.status, s.attempts, s.input, s.output, s.error, s.started_at, s.finished_at
    FROM item_step s JOIN loop_item li
      ON li.execution_id = s.execution_id AND li.parent_path = s.parent_path AND li.item_index = s.item_index
      AND li.status = 'success' AND li.loop_node_id = (CASE s.node_id ${loopOf} END)
    WHERE s.execution_id = ${fromExecutionId}`);
}

function loopFilter(key: LoopKey) {
  return [
    eq(loopItem.executionId, key.executionId),
    eq(loopItem.loopNodeId, key.loopNodeId),
    eq(loopItem.parentPath, key.parentPath),
  ];
}

async function runBatch(db: Db, statements: BatchItem<"sqlite">[]) {
  if (statements.length === 0) return;
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}
