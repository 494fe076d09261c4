/**
 * The one home of execution and step statuses: every list of "final" or "unfinished" statuses in the
 * Worker comes from here. The web app keeps its own copy of the terminal list (it may import only types
 * from worker/), checked against `FinishedExecutionStatus` at compile time.
 */

export const EXECUTION_STATUSES = ["queued", "running", "waiting", "success", "error", "canceled"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Statuses an execution never leaves. */
export const FINISHED_EXECUTION_STATUSES = ["success", "error", "canceled"] as const;
export type FinishedExecutionStatus = (typeof FINISHED_EXECUTION_STATUSES)[number];
/** Statuses of an execution that may still change (what the reconciler looks at). */
export const UNFINISHED_EXECUTION_STATUSES = ["queued", "running", "waiting"] as const;

export const STEP_STATUSES = [
  "queued",
  "running",
  "waiting",
  "success",
  "error",
  "skipped",
  "canceled",
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Statuses a step record never leaves. */
export const FINAL_STEP_STATUSES = ["success", "error", "skipped", "canceled"] as const;
/** Statuses of a step that may still change (what a cancel ends). */
export const UNFINISHED_STEP_STATUSES = ["queued", "running", "waiting"] as const;

export function isFinishedExecution(status: string): status is FinishedExecutionStatus {
  return (FINISHED_EXECUTION_STATUSES as readonly string[]).includes(status);
}

export function isFinalStep(status: string): boolean {
  return (FINAL_STEP_STATUSES as readonly string[]).includes(status);
}
