/**
 * Save-time checks of a workflow's `settings` that need the database (the shape, e.g. `maxConcurrency`
 * in 1..100, is checked by the document schema): the error workflow must be another workflow of the same
 * owner that contains an `errorTrigger`. A problem is a 422 `invalid_workflow` naming the field.
 */
import type { WorkflowSettings } from "../engine/workflow-document";
import { ERROR_TRIGGER_TYPE } from "../nodes/error-trigger";
import type { Db } from "../storage/db";
import { getWorkflowSnapshot } from "../storage/workflows";
import { ApiError } from "./errors";

export async function assertWorkflowSettings(
  db: Db,
  userId: string,
  settings: WorkflowSettings | undefined,
  /** The workflow being saved (absent when it is being created). */
  workflowId?: string,
) {
  const target = settings?.errorWorkflowId;
  if (!target) return;
  const problem = (message: string) =>
    new ApiError(422, "invalid_workflow", `settings.errorWorkflowId: ${message}`, [
      { code: "invalid_error_workflow", field: "settings.errorWorkflowId", message },
    ]);
  if (target === workflowId) throw problem("a workflow cannot be its own error workflow");
  const snapshot = await getWorkflowSnapshot(db, userId, target);
  if (!snapshot) throw problem(`no workflow of yours has the id '${target}'`);
  if (!snapshot.document.nodes.some((n) => n.type === ERROR_TRIGGER_TYPE)) {
    throw problem(`workflow '${target}' has no errorTrigger node, so it cannot be an error workflow`);
  }
}
