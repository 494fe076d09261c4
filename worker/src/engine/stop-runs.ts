/**
 * Stopping every unfinished run of a workflow before the workflow is deleted: a deleted workflow's runs
 * must not go on calling the outside world. Each run's Workflow instance is terminated (a fast run has
 * none: its rows go with the workflow, and its next step write finds nothing to write); as a cancel does,
 * its concurrency slot is released and a parent waiting for it (a sub-workflow run) is told it was canceled.
 */
import { releaseSlot } from "../concurrency/admission";
import { getDb } from "../storage/db";
import { listUnfinishedExecutions } from "../storage/executions";
import { instanceMayStillRun } from "./reconciler";
import { sendToParent } from "./sub-workflow";

/** Instances terminated at once. */
const PARALLEL = 10;

/** Ids of the runs that could not be stopped (their instance may still run); empty when all stopped. */
export async function stopWorkflowRuns(env: Env, workflowId: string): Promise<string[]> {
  const runs = await listUnfinishedExecutions(getDb(env.DB), workflowId);
  const stuck: string[] = [];
  for (let i = 0; i < runs.length; i += PARALLEL) {
    await Promise.all(
      runs.slice(i, i + PARALLEL).map(async (run) => {
        try {
          await (await env.RUN_WORKFLOW.get(run.id)).terminate();
        } catch {
          // Missing (a fast run, or one never created) or already ended: fine, unless it may still run.
          if (await instanceMayStillRun(env, run.id)) stuck.push(run.id);
        }
        await releaseSlot(env, run.userId, run.id);
        if (run.parentExecutionId) {
          await sendToParent(env, run.parentExecutionId, {
            executionId: run.id,
            status: "canceled",
            output: null,
            error: { message: "The sub-workflow's workflow was deleted" },
          });
        }
      }),
    );
  }
  return stuck;
}
