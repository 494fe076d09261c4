/**
 * Error workflows: when an execution of W ends `error` and `W.settings.errorWorkflowId` names a workflow E
 * of the same owner with an `errorTrigger`, one execution of E starts (mode `error`). Called from the
 * durable step `execution:error-workflow`; E's execution id is derived from the failed execution's, so a
 * retried step or a replayed run asks for the same execution again and starts nothing new.
 */
import { ERROR_TRIGGER_TYPE } from "../nodes/error-trigger";
import { getDb } from "../storage/db";
import { findExecution, findStep, findWorkflowForRun } from "../storage/executions";
import { getWorkflowRow, getWorkflowSnapshot } from "../storage/workflows";
import { executionPageUrl } from "./public-url";
import { derivedExecutionId, startExecution } from "./start-execution";

export type ErrorWorkflowOutcome =
  { started: true; executionId: string } | { started: false; reason: string };

export async function startErrorWorkflow(env: Env, failedExecutionId: string): Promise<ErrorWorkflowOutcome> {
  const db = getDb(env.DB);
  const failed = await findExecution(db, failedExecutionId);
  if (!failed || failed.status !== "error") return { started: false, reason: "the execution did not fail" };
  // An error workflow's own failure never starts another: no chains, no loops.
  if (failed.mode === "error") return { started: false, reason: "an error workflow's run failed" };
  const workflow = await getWorkflowRow(db, failed.userId, failed.workflowId);
  const errorWorkflowId = (workflow?.settings as { errorWorkflowId?: string | null } | null)?.errorWorkflowId;
  if (!workflow || !errorWorkflowId) return { started: false, reason: "no error workflow is set" };

  // Checked at save, but E may have been deleted or changed since: then nothing starts, and the log says why.
  const target = await findWorkflowForRun(db, failed.userId, errorWorkflowId);
  const snapshot = target && (await getWorkflowSnapshot(db, failed.userId, errorWorkflowId));
  const trigger = snapshot?.document.nodes.find((n) => n.type === ERROR_TRIGGER_TYPE);
  if (!trigger) {
    const reason = `error workflow ${errorWorkflowId} is gone or has no errorTrigger`;
    console.warn("error workflow not started", { failedExecutionId, reason });
    return { started: false, reason };
  }

  const nodeId = failed.error?.nodeId;
  const nodeName = nodeId ? ((await findStep(db, failed.id, nodeId))?.nodeName ?? null) : null;
  const payload = {
    execution: {
      id: failed.id,
      workflowId: failed.workflowId,
      mode: failed.mode,
      error: { message: failed.error?.message ?? "The execution failed", nodeId: nodeId ?? null, nodeName },
      url: executionPageUrl(env, failed.origin, failed.id),
    },
    workflow: { id: workflow.id, name: workflow.name },
  };
  const { executionId } = await startExecution(env, {
    userId: failed.userId,
    workflowId: errorWorkflowId,
    mode: "error",
    triggerNodeId: trigger.id,
    triggerData: payload,
    executionId: await derivedExecutionId(`error-workflow:${failed.id}`),
    origin: failed.origin,
  });
  return { started: true, executionId };
}
