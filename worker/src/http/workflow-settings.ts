/**
 * Save-time checks of the workflows a document names, which need the database (the shape, e.g.
 * `maxConcurrency` in 1..100, is checked by the document schema): the error workflow must be another
 * workflow of the same owner that contains an `errorTrigger`; an executeWorkflow node's target must be the
 * owner's and start with a `workflowTrigger`; a `fast` workflow must not pause (engine/fast-mode.ts). A
 * problem is a 422 `invalid_workflow` naming the field.
 */
import type { WorkflowSettings } from "../engine/workflow-document";
import { fastModeProblems } from "../engine/fast-mode";
import { hasExpression } from "../engine/expressions";
import { ERROR_TRIGGER_TYPE } from "../nodes/error-trigger";
import { EXECUTE_WORKFLOW_TYPE } from "../nodes/execute-workflow";
import { WORKFLOW_TRIGGER_TYPE } from "../nodes/workflow-trigger";
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

/**
 * `executeWorkflow` nodes must name a workflow of the same owner that starts with a `workflowTrigger`
 * (a `{{ }}` expression is checked when it runs). 422 naming the node and `parameters.workflowId`.
 */
export async function assertSubWorkflowTargets(
  db: Db,
  userId: string,
  doc: { nodes: readonly { id: string; name: string; type: string; parameters?: Record<string, unknown> }[] },
  workflowId?: string,
) {
  const problems = [];
  for (const n of doc.nodes) {
    const target = n.type === EXECUTE_WORKFLOW_TYPE ? n.parameters?.workflowId : undefined;
    if (typeof target !== "string" || hasExpression(target)) continue;
    // Calling itself is allowed (the depth limit stops a runaway); its trigger is in the document saved.
    const nodes =
      target === workflowId ? doc.nodes : (await getWorkflowSnapshot(db, userId, target))?.document.nodes;
    const message = !nodes
      ? `${n.name}: parameters.workflowId: no workflow of yours has the id '${target}'`
      : !nodes.some((m) => m.type === WORKFLOW_TRIGGER_TYPE)
        ? `${n.name}: parameters.workflowId: workflow '${target}' has no workflowTrigger node`
        : null;
    if (message) {
      problems.push({
        code: "invalid_parameter",
        message,
        nodeId: n.id,
        nodeName: n.name,
        field: "parameters.workflowId",
      });
    }
  }
  if (problems.length > 0) throw new ApiError(422, "invalid_workflow", problems[0].message, problems);
}

/**
 * `settings.executionMode: "fast"` with a node that pauses (wait, waitForEvent, forEach, a waiting
 * executeWorkflow): 422 naming each such node. `settings` are the ones the saved workflow will have.
 */
export function assertExecutionMode(
  settings: WorkflowSettings | null | undefined,
  nodes: readonly { id: string; name: string; type: string; parameters?: Record<string, unknown> }[],
) {
  if (settings?.executionMode !== "fast") return;
  const problems = fastModeProblems(nodes);
  if (problems.length > 0) throw new ApiError(422, "invalid_workflow", problems[0].message, problems);
}
