/** What a node that failed for good hands on to its successors, by its `onError`. */
import { boundJson } from "./bounded-json";
import { ALL_BRANCHES } from "./run-plan";
import type { NodeStepResult } from "./run-ref";
import type { SnapshotNode } from "./snapshot";
import { isStorageBudgetMessage } from "./storage-budget";
import { ERROR_HANDLE } from "./workflow-document";

/**
 * Nothing (`stop`: the run, or the loop element, fails), `{ error }` on every handle (`continue`), or
 * `{ error, input }` on the `error` handle alone (`errorOutput`: `main` counts as not taken, so what
 * follows it is skipped).
 */
export function failureResult(node: SnapshotNode, message: string, input: unknown): NodeStepResult | null {
  // Past the storage budget nothing more may be stored, so the run stops whatever `onError` says.
  if (isStorageBudgetMessage(message)) return null;
  if (node.onError === "continue") return { output: { error: { message } }, branch: ALL_BRANCHES };
  if (node.onError === "errorOutput")
    return { output: { error: { message }, input: boundJson(input) }, branch: ERROR_HANDLE };
  return null;
}
