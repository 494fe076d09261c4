/**
 * Queries of the reconciler (engine/reconciler.ts) and of retention (engine/retention.ts): unfinished
 * executions to compare with their Workflow instances, claims whose run never got recorded, and bounded
 * deletes of old or unwanted execution records.
 */
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, notExists, or, sql } from "drizzle-orm";
import type { Db } from "./db";
import { triggerClaim, workflow, workflowExecution } from "./schema";
import {
  FINISHED_EXECUTION_STATUSES as FINISHED,
  UNFINISHED_EXECUTION_STATUSES as UNFINISHED,
  type ExecutionStatus,
} from "./statuses";

export interface ExecutionToReconcile {
  id: string;
  status: ExecutionStatus;
  createdAt: Date;
  /** The params' ticket the run's instance was created with (null for rows older than that column). */
  ticket: Record<string, unknown> | null;
}

/**
 * Unfinished executions created before `createdBefore` and not checked since `checkedBefore`, least
 * recently checked first (so a long wait cannot starve the others), at most `limit`.
 */
export async function listExecutionsToReconcile(
  db: Db,
  q: { createdBefore: Date; checkedBefore: Date; limit: number },
): Promise<ExecutionToReconcile[]> {
  const t = workflowExecution;
  return db
    .select({ id: t.id, status: t.status, createdAt: t.createdAt, ticket: t.ticket })
    .from(t)
    .where(
      and(
        inArray(t.status, UNFINISHED),
        lt(t.createdAt, q.createdBefore),
        or(isNull(t.checkedAt), lt(t.checkedAt, q.checkedBefore)),
      ),
    )
    .orderBy(asc(sql`coalesce(${t.checkedAt}, 0)`), asc(t.createdAt))
    .limit(q.limit);
}

/** Unfinished executions by status, over the whole database (the local supervisor's drain, engine-backlog.ts). */
export async function countUnfinishedExecutions(
  db: Db,
): Promise<{ queued: number; running: number; waiting: number }> {
  const t = workflowExecution;
  const rows = await db
    .select({ status: t.status, n: sql<number>`count(*)` })
    .from(t)
    .where(inArray(t.status, UNFINISHED))
    .groupBy(t.status);
  const counts = { queued: 0, running: 0, waiting: 0 };
  for (const r of rows) counts[r.status as keyof typeof counts] = Number(r.n);
  return counts;
}

export async function markExecutionsChecked(db: Db, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(workflowExecution).set({ checkedAt: at }).where(inArray(workflowExecution.id, ids));
}

export interface OrphanedClaim {
  workflowId: string;
  nodeId: string;
  claimKey: string;
  executionId: string;
}

/**
 * Claims that name the execution they were taken for, made between `after` and `before`, whose execution
 * row does not exist: the process stopped between the claim and the run's record. Releasing one lets
 * the trigger's retry (a missed schedule slot, a Stripe redelivery) start the run.
 */
export async function listOrphanedClaims(
  db: Db,
  q: { after: Date; before: Date; limit: number },
): Promise<OrphanedClaim[]> {
  const rows = await db
    .select({
      workflowId: triggerClaim.workflowId,
      nodeId: triggerClaim.nodeId,
      claimKey: triggerClaim.claimKey,
      executionId: triggerClaim.executionId,
    })
    .from(triggerClaim)
    .where(
      and(
        isNotNull(triggerClaim.executionId),
        gt(triggerClaim.createdAt, q.after),
        lt(triggerClaim.createdAt, q.before),
        notExists(
          db
            .select({ id: workflowExecution.id })
            .from(workflowExecution)
            .where(eq(workflowExecution.id, triggerClaim.executionId)),
        ),
      ),
    )
    .limit(q.limit);
  return rows.map((r) => ({ ...r, executionId: r.executionId! }));
}

/**
 * Deletes up to `limit` finished executions (their steps cascade) that match `which`: created before a
 * cut-off, or successful runs (finished before a cut-off) of workflows whose `settings.saveSuccessfulRuns`
 * is `"none"`. Returns how
 * many were deleted; the caller repeats while a batch comes back full.
 */
export async function deleteFinishedExecutions(
  db: Db,
  which: { createdBefore: Date } | { unsavedSuccessFinishedBefore: Date },
  limit: number,
): Promise<number> {
  const t = workflowExecution;
  const filter =
    "createdBefore" in which
      ? and(inArray(t.status, FINISHED), lt(t.createdAt, which.createdBefore))
      : and(
          eq(t.status, "success"),
          lt(t.finishedAt, which.unsavedSuccessFinishedBefore),
          inArray(
            t.workflowId,
            db
              .select({ id: workflow.id })
              .from(workflow)
              .where(sql`json_extract(${workflow.settings}, '$.saveSuccessfulRuns') = 'none'`),
          ),
        );
  const batch = db.select({ id: t.id }).from(t).where(filter).limit(limit);
  // Counted from RETURNING: D1's `changes` also counts the step rows the cascade removed.
  const deleted = await db.delete(t).where(inArray(t.id, batch)).returning({ id: t.id });
  return deleted.length;
}

/** Deletes one finished execution of this user; false when there is none (or it is still unfinished). */
export async function deleteFinishedExecution(db: Db, userId: string, executionId: string): Promise<boolean> {
  const t = workflowExecution;
  const deleted = await db
    .delete(t)
    .where(and(eq(t.id, executionId), eq(t.userId, userId), inArray(t.status, FINISHED)))
    .returning({ id: t.id });
  return deleted.length > 0;
}

/** Users whose executions hold more than `quota` bytes of step records, and by how much (largest first). */
export async function usersOverStorageQuota(db: Db, quota: number, limit: number) {
  const t = workflowExecution;
  const rows = await db
    .select({ userId: t.userId, excess: sql<number>`sum(${t.storedBytes}) - ${quota}` })
    .from(t)
    .groupBy(t.userId)
    .having(sql`sum(${t.storedBytes}) > ${quota}`)
    .orderBy(sql`2 desc`)
    .limit(limit);
  return rows.map((r) => ({ userId: r.userId, excess: Number(r.excess) }));
}

/**
 * Deletes the user's oldest finished executions until at least `excess` bytes are gone (at most `limit`
 * of them); returns how many went. Unfinished runs are never deleted.
 */
export async function deleteOldestFinishedExecutions(db: Db, userId: string, excess: number, limit: number) {
  const t = workflowExecution;
  // A running total, oldest first: a run goes while what went before it is still short of the excess.
  const oldest = db
    .select({
      id: t.id,
      before:
        sql<number>`sum(${t.storedBytes}) over (order by ${t.createdAt}, ${t.id} rows unbounded preceding) - ${t.storedBytes}`.as(
          "before",
        ),
    })
    .from(t)
    .where(and(eq(t.userId, userId), inArray(t.status, FINISHED)))
    .as("oldest");
  const batch = db.select({ id: oldest.id }).from(oldest).where(lt(oldest.before, excess)).limit(limit);
  const deleted = await db.delete(t).where(inArray(t.id, batch)).returning({ id: t.id });
  return deleted.length;
}
