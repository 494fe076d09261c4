/**
 * Executions and their step records. Every write the engine makes is conditional so that a replayed or
 * late write can never move a row backwards: a finished execution stays finished, a canceled step stays
 * canceled.
 */
import { and, asc, desc, eq, inArray, lt, lte, notInArray, or, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "./db";
import { executionStep, workflow, workflowExecution, workflowVersion } from "./schema";
import type { ExecutionStatus } from "./schema";
import { FINAL_STEP_STATUSES, FINISHED_EXECUTION_STATUSES, UNFINISHED_STEP_STATUSES } from "./statuses";

export type ExecutionRow = typeof workflowExecution.$inferSelect;
export type StepRow = typeof executionStep.$inferSelect;

const FINISHED = [...FINISHED_EXECUTION_STATUSES];
const UNFINISHED_STEP = [...UNFINISHED_STEP_STATUSES];
const FINAL_STEP = [...FINAL_STEP_STATUSES];

// ---- Workflows, as the engine sees them ----------------------------------------------------------

/** The workflow's owner check and current version; null for a missing or another user's workflow. */
export async function findWorkflowForRun(db: Db, userId: string, workflowId: string) {
  const rows = await db
    .select({ id: workflow.id, userId: workflow.userId, version: workflow.version })
    .from(workflow)
    .where(and(eq(workflow.id, workflowId), eq(workflow.userId, userId)))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * The workflow (owner-checked), the version to run (`version`, or its current one) and, unless
 * `withDocument` is false, that version's document: one round trip for a run's intake.
 */
export async function findRunTarget(
  db: Db,
  userId: string,
  workflowId: string,
  version: number | undefined,
  withDocument: boolean,
) {
  const rows = await db
    .select({
      id: workflow.id,
      version: workflow.version,
      liveUntil: workflow.liveUntil,
      // Manual and test runs use the workflow's pins (they are not part of version snapshots).
      pinData: workflow.pinData,
      settings: workflow.settings,
      document: withDocument ? workflowVersion.document : sql<null>`null`,
      pinned: workflowVersion.version,
    })
    .from(workflow)
    .leftJoin(
      workflowVersion,
      and(
        eq(workflowVersion.workflowId, workflow.id),
        eq(workflowVersion.version, version ?? workflow.version),
      ),
    )
    .where(and(eq(workflow.id, workflowId), eq(workflow.userId, userId)))
    .limit(1);
  return rows[0] ?? null;
}

/** Inserts a queued execution and the step records it starts with (reused outputs) in one batch. */
export async function insertExecutionWithSteps(
  db: Db,
  row: typeof workflowExecution.$inferInsert,
  steps: Omit<StepRow, "executionId">[],
): Promise<ExecutionRow | null> {
  const [insert, ...rest] = executionInsertStatements(db, row, steps);
  if (rest.length === 0) return (await insert)[0] ?? null;
  const [inserted] = await db.batch([insert, ...rest]);
  return inserted[0] ?? null;
}

/**
 * The statements of `insertExecutionWithSteps`, for a caller that sends them in a batch of its own (a fast
 * run's first write, fast-run.ts). The first returns the inserted row (none when the id already exists).
 */
export function executionInsertStatements(
  db: Db,
  row: typeof workflowExecution.$inferInsert,
  steps: Omit<StepRow, "executionId">[],
) {
  // A fixed id asked again (a retried step) inserts nothing and returns no row.
  const insert = db
    .insert(workflowExecution)
    .values(row)
    .onConflictDoNothing({ target: workflowExecution.id })
    .returning();
  // D1 caps bound parameters per statement, so one row per statement, all in the execution's batch.
  const rest = steps.map((s) => db.insert(executionStep).values({ ...s, executionId: row.id }));
  return [insert, ...rest] as const;
}

export async function findWorkflowVersionDocument(db: Db, workflowId: string, version: number) {
  const rows = await db
    .select({ document: workflowVersion.document })
    .from(workflowVersion)
    .where(and(eq(workflowVersion.workflowId, workflowId), eq(workflowVersion.version, version)))
    .limit(1);
  return rows[0]?.document ?? null;
}

// ---- Executions -----------------------------------------------------------------------------------

/**
 * Inserts the row and returns it as stored (what to publish, without reading it again); null when a row
 * with this id already exists (a start with a fixed id asked again).
 */
export async function insertExecution(
  db: Db,
  row: typeof workflowExecution.$inferInsert,
): Promise<ExecutionRow | null> {
  const [inserted] = await db
    .insert(workflowExecution)
    .values(row)
    .onConflictDoNothing({ target: workflowExecution.id })
    .returning();
  return inserted ?? null;
}

export async function findExecution(db: Db, executionId: string): Promise<ExecutionRow | null> {
  const rows = await db
    .select()
    .from(workflowExecution)
    .where(eq(workflowExecution.id, executionId))
    .limit(1);
  return rows[0] ?? null;
}

/** Sub-workflow executions started by `parentExecutionId`, oldest first. */
export async function listChildExecutions(db: Db, parentExecutionId: string): Promise<ExecutionRow[]> {
  return db
    .select()
    .from(workflowExecution)
    .where(eq(workflowExecution.parentExecutionId, parentExecutionId))
    .orderBy(asc(workflowExecution.createdAt))
    .limit(100);
}

export async function findExecutionForUser(db: Db, userId: string, executionId: string) {
  const rows = await db
    .select()
    .from(workflowExecution)
    .where(and(eq(workflowExecution.id, executionId), eq(workflowExecution.userId, userId)))
    .limit(1);
  return rows[0] ?? null;
}

export interface ExecutionListQuery {
  workflowId?: string;
  status?: ExecutionStatus;
  limit: number;
  /** Keyset cursor: the last row of the previous page. */
  after?: { createdAt: Date; id: string };
}

/** Newest first; returns `limit + 1` rows at most so the caller can tell whether a next page exists. */
export async function listExecutions(db: Db, userId: string, q: ExecutionListQuery): Promise<ExecutionRow[]> {
  const t = workflowExecution;
  const filters = [eq(t.userId, userId)];
  if (q.workflowId) filters.push(eq(t.workflowId, q.workflowId));
  if (q.status) filters.push(eq(t.status, q.status));
  if (q.after) {
    filters.push(
      or(lt(t.createdAt, q.after.createdAt), and(eq(t.createdAt, q.after.createdAt), lt(t.id, q.after.id)))!,
    );
  }
  return db
    .select()
    .from(t)
    .where(and(...filters))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(q.limit + 1);
}

/** The newest execution of a workflow (what an open editor follows). */
export async function findLatestExecution(db: Db, workflowId: string): Promise<ExecutionRow | null> {
  const rows = await db
    .select()
    .from(workflowExecution)
    .where(eq(workflowExecution.workflowId, workflowId))
    .orderBy(desc(workflowExecution.createdAt), desc(workflowExecution.id))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * queued|waiting → running; sets startedAt once. Returns the updated row (what to publish, without
 * reading it again), or null when the execution already finished.
 */
export async function markExecutionRunning(
  db: Db,
  executionId: string,
  at: Date,
): Promise<ExecutionRow | null> {
  const res = await executionRunningUpdate(db, executionId, at);
  return res[0] ?? null;
}

/** The statement of `markExecutionRunning`, for a batch. */
export function executionRunningUpdate(db: Db, executionId: string, at: Date) {
  return db
    .update(workflowExecution)
    .set({ status: "running", startedAt: sql`coalesce(${workflowExecution.startedAt}, ${at.getTime()})` })
    .where(and(eq(workflowExecution.id, executionId), notInArray(workflowExecution.status, FINISHED)))
    .returning();
}

/** → waiting; the updated row, or null when the execution already finished. */
export async function markExecutionWaiting(db: Db, executionId: string): Promise<ExecutionRow | null> {
  const res = await executionWaitingUpdate(db, executionId);
  return res[0] ?? null;
}

/** The statement of `markExecutionWaiting`, for a batch. */
export function executionWaitingUpdate(db: Db, executionId: string) {
  return db
    .update(workflowExecution)
    .set({ status: "waiting" })
    .where(and(eq(workflowExecution.id, executionId), notInArray(workflowExecution.status, FINISHED)))
    .returning();
}

/** Ends an unfinished execution and returns the row; a no-op (null) if it already ended (e.g. canceled). */
export async function finishExecution(
  db: Db,
  executionId: string,
  status: "success" | "error" | "canceled",
  error: { message: string; nodeId?: string } | null,
  at: Date,
): Promise<ExecutionRow | null> {
  const res = await executionFinishUpdate(db, executionId, status, error, at);
  return res[0] ?? null;
}

/**
 * The statement of `finishExecution`, for a batch. `startedAt` is kept when set; given, it fills in a run
 * that ends in the same batch that started it (queued → success).
 */
export function executionFinishUpdate(
  db: Db,
  executionId: string,
  status: "success" | "error" | "canceled",
  error: { message: string; nodeId?: string } | null,
  at: Date,
  startedAt?: Date,
) {
  const started = startedAt
    ? { startedAt: sql`coalesce(${workflowExecution.startedAt}, ${startedAt.getTime()})` }
    : {};
  return db
    .update(workflowExecution)
    .set({ status, error, finishedAt: at, ...started })
    .where(and(eq(workflowExecution.id, executionId), notInArray(workflowExecution.status, FINISHED)))
    .returning();
}

/** Marks unfinished steps canceled (after the execution itself was canceled). */
/** The executions of a workflow that have not finished (queued, running, waiting), oldest first. */
export async function listUnfinishedExecutions(db: Db, workflowId: string) {
  return db
    .select({
      id: workflowExecution.id,
      userId: workflowExecution.userId,
      parentExecutionId: workflowExecution.parentExecutionId,
    })
    .from(workflowExecution)
    .where(and(eq(workflowExecution.workflowId, workflowId), notInArray(workflowExecution.status, FINISHED)))
    .orderBy(asc(workflowExecution.createdAt));
}

export async function cancelUnfinishedSteps(db: Db, executionId: string, at: Date) {
  return db
    .update(executionStep)
    .set({ status: "canceled", finishedAt: at })
    .where(and(eq(executionStep.executionId, executionId), inArray(executionStep.status, UNFINISHED_STEP)))
    .returning({
      nodeId: executionStep.nodeId,
      nodeName: executionStep.nodeName,
      attempts: executionStep.attempts,
    });
}

// ---- Steps -----------------------------------------------------------------------------------------

/** Steps in the order they ran: by start (or end, for a step that never started), then node id. */
const stepOrder = () => [
  asc(sql`coalesce(${executionStep.startedAt}, ${executionStep.finishedAt})`),
  asc(executionStep.finishedAt),
  asc(executionStep.nodeId),
];

export async function listSteps(db: Db, executionId: string): Promise<StepRow[]> {
  return db
    .select()
    .from(executionStep)
    .where(eq(executionStep.executionId, executionId))
    .orderBy(...stepOrder());
}

/** A slice of `listSteps`: `limit` steps from position `offset`. */
export async function listStepPage(db: Db, executionId: string, offset: number, limit: number) {
  return db
    .select()
    .from(executionStep)
    .where(eq(executionStep.executionId, executionId))
    .orderBy(...stepOrder())
    .limit(limit)
    .offset(offset);
}

/**
 * Each step's recorded payload in bytes (input, output, logs, error as stored), in `listSteps` order,
 * without reading the payloads out of D1: what decides how many steps one page of the API can hold.
 */
export async function listStepSizes(db: Db, executionId: string): Promise<number[]> {
  const bytes = (col: SQLiteColumn) => sql`coalesce(${storedLength(col)}, 0)`;
  const rows = await db
    .select({
      bytes: sql<number>`${bytes(executionStep.input)} + ${bytes(executionStep.output)} + ${bytes(executionStep.logs)} + ${bytes(executionStep.error)}`,
    })
    .from(executionStep)
    .where(eq(executionStep.executionId, executionId))
    .orderBy(...stepOrder());
  return rows.map((r) => Number(r.bytes));
}

/** A payload column's stored bytes (UTF-8 JSON), counted by D1 without the value leaving it; null for none. */
function storedLength(col: SQLiteColumn) {
  return sql<number | null>`length(CAST(${col} AS BLOB))`;
}

/**
 * What the live view shows of a step: never its input or output (a big run's payloads stay in D1), only
 * their sizes.
 */
export type StepState = Pick<
  StepRow,
  "nodeId" | "nodeName" | "status" | "attempts" | "error" | "startedAt" | "finishedAt"
> & { inputBytes: number | null; outputBytes: number | null };

/**
 * The steps' states without their payloads, for seeding a live room: the query reads only these
 * columns and the payloads' lengths, so a socket on a 60-node run of ~1 MB per node costs kilobytes,
 * not the whole run in memory.
 */
export async function listStepStates(db: Db, executionId: string): Promise<StepState[]> {
  return db
    .select({
      nodeId: executionStep.nodeId,
      nodeName: executionStep.nodeName,
      status: executionStep.status,
      attempts: executionStep.attempts,
      error: executionStep.error,
      startedAt: executionStep.startedAt,
      finishedAt: executionStep.finishedAt,
      inputBytes: storedLength(executionStep.input),
      outputBytes: storedLength(executionStep.output),
    })
    .from(executionStep)
    .where(eq(executionStep.executionId, executionId))
    .orderBy(...stepOrder());
}

export async function findStep(db: Db, executionId: string, nodeId: string): Promise<StepRow | null> {
  const rows = await db
    .select()
    .from(executionStep)
    .where(and(eq(executionStep.executionId, executionId), eq(executionStep.nodeId, nodeId)))
    .limit(1);
  return rows[0] ?? null;
}

type StepKey = { executionId: string; nodeId: string; nodeName: string };

/**
 * Writes a step row, creating it if needed. Never overwrites a canceled step, and keeps the first
 * `startedAt` (a retried node started when its first attempt did). With `unlessFinal`, it does not
 * overwrite any final status either: for a write that may race (and lose to) the step's final write.
 */
export async function upsertStep(
  db: Db,
  key: StepKey,
  fields: StepFields,
  opts: { unlessFinal?: boolean } = {},
) {
  await stepUpsert(db, key, fields, opts);
}

export type StepFields = Partial<
  Omit<typeof executionStep.$inferInsert, "executionId" | "nodeId" | "nodeName">
>;

/**
 * The statement of `upsertStep`, for a batch. A write that carries `attempts` is attempt-guarded: it never
 * overwrites the record of a newer attempt, so a late, timed-out attempt cannot undo its retry's record.
 */
export function stepUpsert(db: Db, key: StepKey, fields: StepFields, opts: { unlessFinal?: boolean } = {}) {
  const values = { ...key, status: "queued" as const, ...fields };
  const set: Record<string, unknown> = { ...fields };
  if (fields.startedAt !== undefined) {
    set.startedAt = sql`coalesce(${executionStep.startedAt}, ${fields.startedAt?.getTime() ?? null})`;
  }
  const status = opts.unlessFinal
    ? notInArray(executionStep.status, FINAL_STEP)
    : sql`${executionStep.status} <> 'canceled'`;
  const attempt = fields.attempts === undefined ? undefined : lte(executionStep.attempts, fields.attempts);
  return db
    .insert(executionStep)
    .values(values)
    .onConflictDoUpdate({
      target: [executionStep.executionId, executionStep.nodeId],
      set,
      setWhere: attempt ? and(status, attempt) : status,
    });
}

/** Step rows recorded before the run started: outputs reused by a `fromFailed` retry. */
export async function insertReusedSteps(
  db: Db,
  executionId: string,
  steps: Omit<StepRow, "executionId" | "logs" | "pinned">[],
  pinned = false,
) {
  if (steps.length === 0) return;
  // D1 caps bound parameters per statement, so insert one row per statement in a single batch.
  const statements = steps.map((s) => db.insert(executionStep).values({ ...s, executionId, pinned }));
  await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
}
