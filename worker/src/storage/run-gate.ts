/** D1 reads of the run gate (concurrency/run-gate.ts): what it checks its slots and queue against. */
import { eq, inArray } from "drizzle-orm";
import type { Db } from "./db";
import { workflow, workflowExecution } from "./schema";

/** executionId → status, for the ids that still have a record. */
export async function listExecutionStatuses(db: Db, ids: string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await db
      .select({ id: workflowExecution.id, status: workflowExecution.status })
      .from(workflowExecution)
      .where(inArray(workflowExecution.id, ids.slice(i, i + 90)));
    for (const row of rows) statuses.set(row.id, row.status);
  }
  return statuses;
}

/** What the gate needs to know of a run recorded earlier: its owner, mode and workflow's limit. */
export async function findGateFacts(db: Db, executionId: string) {
  const rows = await db
    .select({
      userId: workflowExecution.userId,
      workflowId: workflowExecution.workflowId,
      mode: workflowExecution.mode,
      settings: workflow.settings,
    })
    .from(workflowExecution)
    .innerJoin(workflow, eq(workflow.id, workflowExecution.workflowId))
    .where(eq(workflowExecution.id, executionId))
    .limit(1);
  return rows[0] ?? null;
}
