/**
 * The engine's write path: everything one step changes in D1 (its nodes' records, the execution's status)
 * in ONE batch, i.e. one round trip, which also reads back whether anyone watches the workflow live (so
 * the step after it knows whether to publish). D1 runs a batch as one transaction, in order.
 */
import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./db";
import {
  executionFinishUpdate,
  executionRunningUpdate,
  executionWaitingUpdate,
  stepUpsert,
  type ExecutionRow,
  type StepFields,
} from "./executions";
import { workflow, workflowExecution, type ExecutionStatus } from "./schema";

export interface StepRecordWrite {
  nodeId: string;
  nodeName: string;
  fields: StepFields;
  /** Only while the record is not final yet (a write that may race the step's final write). */
  unlessFinal?: boolean;
}

/** The execution's change in the same batch: `running` (first step), or its end. */
export type ExecutionChange =
  | { kind: "running"; at: Date }
  | { kind: "waiting" }
  | {
      kind: "finish";
      status: "success" | "error";
      error: { message: string; nodeId?: string } | null;
      at: Date;
      startedAt?: Date;
    };

export interface RunBatchResult {
  /** The execution row as the status change returned it; null without a change or when it had ended. */
  execution: ExecutionRow | null;
  /** The workflow's `liveUntil` (ms): someone watches while it is in the future. */
  liveUntil: number | null;
  /** The execution's status after the batch (e.g. `canceled` by a cancel that came meanwhile). */
  executionStatus: ExecutionStatus | null;
}

export async function writeRunBatch(
  db: Db,
  run: { executionId: string; workflowId: string },
  steps: readonly StepRecordWrite[],
  change?: ExecutionChange,
  /** Statements that go first in the same batch (a fast run's deferred insert, engine/first-write.ts). */
  before: readonly BatchItem<"sqlite">[] = [],
): Promise<RunBatchResult> {
  const records = steps.map((s) =>
    stepUpsert(db, { executionId: run.executionId, nodeId: s.nodeId, nodeName: s.nodeName }, s.fields, {
      unlessFinal: s.unlessFinal,
    }),
  );
  const status = !change
    ? undefined
    : change.kind === "running"
      ? executionRunningUpdate(db, run.executionId, change.at)
      : change.kind === "waiting"
        ? executionWaitingUpdate(db, run.executionId)
        : executionFinishUpdate(
            db,
            run.executionId,
            change.status,
            change.error,
            change.at,
            change.startedAt,
          );
  // Read with the writes at no extra round trip: whether anyone watches, and whether the run was canceled.
  const watch = db
    .select({
      liveUntil: workflow.liveUntil,
      executionStatus: sql<ExecutionStatus | null>`(select ${workflowExecution.status} from ${workflowExecution} where ${workflowExecution.id} = ${run.executionId})`,
    })
    .from(workflow)
    .where(eq(workflow.id, run.workflowId))
    .limit(1);
  const statements = [...before, ...records, ...(status ? [status] : []), watch];
  const results = (await db.batch(
    statements as unknown as Parameters<Db["batch"]>[0],
  )) as unknown as unknown[];
  const watched = results.at(-1) as { liveUntil: number | null; executionStatus: ExecutionStatus | null }[];
  const changed = status ? (results.at(-2) as ExecutionRow[]) : [];
  return {
    execution: changed[0] ?? null,
    liveUntil: watched[0]?.liveUntil ?? null,
    executionStatus: watched[0]?.executionStatus ?? null,
  };
}

/** Someone watches the workflow's runs until `until` (an open live socket; renewed while it stays open). */
export async function markWorkflowWatched(db: Db, workflowId: string, until: number) {
  await db.update(workflow).set({ liveUntil: until }).where(eq(workflow.id, workflowId));
}
