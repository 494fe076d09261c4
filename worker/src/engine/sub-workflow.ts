/**
 * Sub-workflows: an `executeWorkflow` node starts another workflow of the same owner as its own execution
 * (mode `subworkflow`, `parentExecutionId` recorded), from the parent's durable step `node:<id>:pause`.
 * The child's id is derived from the parent's execution and node, so a retried or replayed step starts it
 * once. With `wait`, the parent then waits in `step.waitForEvent` (no polling, no CPU while it waits) for
 * the event `child-<childId>`, which the child sends from its own durable step once its record is final
 * (`execution:notify-parent`), or the cancel route sends when the child is canceled.
 */
import { NonRetryableError } from "cloudflare:workflows";
import type { NodePause } from "../nodes/node-type";
import { getDb } from "../storage/db";
import { findExecution, listSteps } from "../storage/executions";
import type { RecordedPause, RunRef } from "./run-ref";
import type { SnapshotNode } from "./snapshot";
import { derivedExecutionId, ExecutionStartError, startExecution } from "./start-execution";
import { lastNodeOf } from "./wait-for-execution";

/** Deepest chain of sub-workflow calls: a run at depth 10 may not start another. */
export const MAX_SUBWORKFLOW_DEPTH = 10;
/** How long a parent waits for its child (the longest `waitForEvent` Workflows allows). */
const CHILD_WAIT_MS = 365 * 24 * 60 * 60 * 1000;

/** What the child reports to its waiting parent (the payload of event `child-<childId>`). */
export interface ChildOutcome {
  executionId: string;
  status: "success" | "error" | "canceled";
  /** The child's last node output (success), else null. */
  output: unknown;
  error: { message: string; nodeId?: string } | null;
}

export const childEventType = (childExecutionId: string) => `child-${childExecutionId}`;

/**
 * Starts the child of `node` (once: its id is derived from the run, the node and, inside a forEach body,
 * the element — `element` is its path, e.g. `3` or `3/0`), and says what the node waits for.
 */
export async function startSubWorkflow(
  ref: RunRef,
  node: SnapshotNode,
  input: unknown,
  call: Extract<NodePause, { kind: "subworkflow" }>,
  element?: string,
): Promise<RecordedPause> {
  const db = getDb(ref.env.DB);
  const parent = await findExecution(db, ref.executionId);
  if ((await depthOf(ref.env, parent?.parentExecutionId ?? null)) + 1 > MAX_SUBWORKFLOW_DEPTH) {
    throw new NonRetryableError(
      `Node "${node.name}": sub-workflow calls are nested more than ${MAX_SUBWORKFLOW_DEPTH} deep`,
    );
  }
  let executionId: string;
  try {
    ({ executionId } = await startExecution(ref.env, {
      userId: ref.userId,
      workflowId: call.workflowId,
      mode: "subworkflow",
      triggerData: call.input === undefined ? (input ?? {}) : call.input,
      executionId: await derivedExecutionId(
        `subworkflow:${ref.executionId}:${node.id}${element === undefined ? "" : `@${element}`}`,
      ),
      parentExecutionId: ref.executionId,
      origin: parent?.origin ?? null,
    }));
  } catch (err) {
    // Another user's workflow looks exactly like a missing one: its id tells the caller nothing.
    if (err instanceof ExecutionStartError && err.code !== "start_failed") {
      const why =
        err.code === "no_trigger"
          ? `workflow ${call.workflowId} has no workflowTrigger node`
          : `no workflow of yours has the id '${call.workflowId}'`;
      throw new NonRetryableError(`Node "${node.name}": ${why}`);
    }
    throw err;
  }
  return call.wait
    ? { kind: "event", event: childEventType(executionId), timeoutMs: CHILD_WAIT_MS }
    : { kind: "none", value: { executionId } };
}

/** How many sub-workflow calls led to the execution `parentId` names (0: it is a top-level run). */
async function depthOf(env: Env, parentId: string | null): Promise<number> {
  const db = getDb(env.DB);
  let depth = 0;
  for (let id = parentId; id && depth <= MAX_SUBWORKFLOW_DEPTH; depth++) {
    id = (await findExecution(db, id))?.parentExecutionId ?? null;
  }
  return depth;
}

/**
 * The body of a child's step `execution:notify-parent`: sends its outcome to the waiting parent. Sending
 * twice (a retried step) is harmless: the parent takes the first event and never asks again.
 */
export async function notifyParent(env: Env, childExecutionId: string): Promise<{ notified: boolean }> {
  const db = getDb(env.DB);
  const child = await findExecution(db, childExecutionId);
  if (!child?.parentExecutionId) return { notified: false };
  if (child.status !== "success" && child.status !== "error" && child.status !== "canceled") {
    throw new Error(`Execution ${childExecutionId} has not finished (${child.status})`);
  }
  const outcome: ChildOutcome = {
    executionId: child.id,
    status: child.status,
    output: child.status === "success" ? (lastNodeOf(await listSteps(db, child.id))?.output ?? null) : null,
    error: child.error ?? null,
  };
  return sendToParent(env, child.parentExecutionId, outcome);
}

/** Delivers the outcome; a parent that is gone (canceled, deleted) has nobody waiting, which is fine. */
export async function sendToParent(env: Env, parentExecutionId: string, outcome: ChildOutcome) {
  let instance: Awaited<ReturnType<Env["RUN_WORKFLOW"]["get"]>>;
  try {
    instance = await env.RUN_WORKFLOW.get(parentExecutionId);
  } catch {
    return { notified: false };
  }
  await instance.sendEvent({ type: childEventType(outcome.executionId), payload: outcome });
  return { notified: true };
}
