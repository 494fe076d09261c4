/**
 * "Open in editor with this data" (execution page → `/workflows/:id?debug=<executionId>`): the editor
 * opens with that run's trigger output pinned on its trigger node, unsaved, so a failed production run
 * can be replayed with a manual run and fixed. Nothing is saved until the person saves.
 */
import { executionsApi } from "../api/executions";
import type { Workflow } from "../api/types";
import { toDocument } from "../api/workflows";
import type { WorkflowDocument } from "../api/types";

export interface Replay {
  executionId: string;
  /** The run's trigger node, and what it output (the step record, else the recorded trigger data). */
  nodeId: string | null;
  data: unknown;
}

export async function replayOf(
  executionId: string,
  workflowId: string,
  signal?: AbortSignal,
): Promise<Replay | undefined> {
  try {
    const execution = await executionsApi.get(executionId, signal);
    if (execution.workflowId !== workflowId) return undefined;
    const nodeId = execution.triggerNodeId ?? null;
    const step = execution.steps.find((s) => s.nodeId === nodeId && s.status === "success");
    return { executionId, nodeId, data: step ? step.output : (execution.triggerData ?? null) };
  } catch {
    // The editor still opens; it says the run's data could not be read.
    return { executionId, nodeId: null, data: null };
  }
}

/** The document with the replay's pin, or why it cannot be applied. */
export function applyReplay(
  workflow: Workflow,
  replay: Replay,
): { document: WorkflowDocument } | { problem: string } {
  if (!replay.nodeId) return { problem: "Could not read the data of that run." };
  if (!workflow.nodes.some((n) => n.id === replay.nodeId))
    return { problem: "The trigger of that run is no longer in this workflow: its data was not pinned." };
  const document = toDocument(workflow);
  return {
    document: { ...document, pinData: { ...(document.pinData ?? {}), [replay.nodeId]: replay.data } },
  };
}
