/**
 * Waiting for a run to end, for callers that answer with its result (a webhook with
 * `respond: "lastNode"`). Polls the execution record, which the engine writes in its final step before the
 * Workflow instance completes, so a finished record is final.
 */
import { getDb } from "../storage/db";
import { isFinishedExecution } from "../storage/statuses";
import { findExecution, listSteps, type ExecutionRow, type StepRow } from "../storage/executions";

export interface FinishedExecution {
  execution: ExecutionRow;
  /** The node that finished last (success, or error with onError continue), and its output. */
  lastNode: { nodeId: string; nodeName: string; output: unknown } | null;
}

const POLL_MS = 100;

/**
 * The node that finished last with an output (success, or error handed on by onError), by finish time.
 * A loop body node's record is left out: it sums up its elements (never started itself, no output) and is
 * written after the loop ends, while the run's last output is the loop's own `done`.
 */
export function lastNodeOf(steps: StepRow[]): FinishedExecution["lastNode"] {
  const bodySummary = (s: StepRow) => s.attempts === 0 && s.startedAt === null && s.output === null;
  const ran = steps.filter(
    (s) =>
      s.finishedAt &&
      !bodySummary(s) &&
      (s.status === "success" || (s.status === "error" && s.output !== null)),
  );
  ran.sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
  const last = ran.at(-1);
  return last ? { nodeId: last.nodeId, nodeName: last.nodeName, output: last.output } : null;
}

/** The finished execution, or null if it has not ended within `timeoutMs` (or does not exist). */
export async function waitForExecution(
  env: Env,
  executionId: string,
  timeoutMs: number,
): Promise<FinishedExecution | null> {
  const db = getDb(env.DB);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await findExecution(db, executionId);
    if (!execution) return null;
    if (isFinishedExecution(execution.status)) {
      return { execution, lastNode: lastNodeOf(await listSteps(db, executionId)) };
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
