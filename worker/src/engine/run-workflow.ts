/**
 * RunWorkflow: the durable execution of one workflow run (a Cloudflare Workflow instance whose id is the
 * execution id). `executeRun` is the engine's entry for both modes: Workflows' steps here, in-process
 * steps for `executionMode: "fast"` (fast-run.ts). The graph walk and its step names: graph-run.ts.
 *
 *   execution:load          only for an instance created without a ticket (run-ticket.ts)
 *   node:<id>…              the nodes (graph-run.ts); a pure group that ends the run also writes its end
 *   execution:finish        success or error, in D1 and live, when no node step wrote it
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { GraphRun, type RunFailure } from "./graph-run";
import { runEndSteps } from "./run-end";
import type { FirstWrite } from "./first-write";
import { writeStep } from "./node-steps";
import { errorMessage } from "./node-errors";
import type { RunRef } from "./run-ref";
import { RunLive } from "./run-live";
import { loadSnapshot, loadTicket, type RunParams, type RunTicket } from "./run-ticket";
import { durableSteps, type StepRunner } from "./step-runner";
import type { RunResult } from "../realtime/events";
import { runRoom } from "../realtime/publish";
import type { Responder } from "./webhook-answer";
import { awaitAdmission, releaseSlot } from "../concurrency/admission";

export type { RunParams };

const LOAD_RETRIES = { retries: { limit: 3, delay: 500, backoff: "exponential" as const } };

export class RunWorkflow extends WorkflowEntrypoint<Env, RunParams> {
  override async run(event: WorkflowEvent<RunParams>, step: WorkflowStep): Promise<unknown> {
    const end = await executeRun(this.env, event.payload, durableSteps(step));
    // An errored run errors its instance too, so D1 and Workflows tell the same story.
    if (end.error) throw end.error;
    return { status: end.status };
  }
}

/** How a run ended, for its caller: the durable instance (above) or a fast run (fast-run.ts). */
export interface RunOutcome {
  status: "success" | "error" | "canceled" | "skipped";
  /** The last node's output, for a caller answering with it (`respond: "lastNode"`). */
  result: RunResult;
  failure: RunFailure | null;
  /** Set when the run ended `error`: what the durable instance throws. */
  error?: Error;
}

/**
 * Runs an execution to its end on `steps` and records that end (D1 and live). For a fast run:
 * `firstWrite` (first-write.ts), and `respond`, its in-process answer channel; a durable run whose caller
 * waits for a respondToWebhook node answers through its room (webhook-answer.ts).
 */
export async function executeRun(
  env: Env,
  params: RunParams,
  steps: StepRunner,
  fast: { firstWrite?: FirstWrite; respond?: Responder } = {},
): Promise<RunOutcome> {
  const { executionId } = params;
  const ticket: RunTicket | null =
    params.ticket ?? (await steps.do("execution:load", LOAD_RETRIES, () => loadTicket(env, executionId)));
  if (!ticket) return { status: "skipped", result: { lastNode: null }, failure: null };
  const live = new RunLive(env, executionId, ticket.liveUntil, ticket.awaitEnd);
  const ref: RunRef = {
    env,
    executionId,
    workflowId: ticket.workflowId,
    userId: ticket.userId,
    origin: ticket.origin,
    live,
    firstWrite: fast.firstWrite,
    respond:
      fast.respond ??
      (ticket.awaitAnswer
        ? (key, nodeName, answer) => runRoom(env, executionId).respond(key, nodeName, answer)
        : undefined),
  };
  let outcome;
  try {
    // Within the workflow's and the user's limits (concurrency/admission.ts); stays `queued` until then.
    if (!ticket.admitted) await awaitAdmission(env, steps, executionId);
    const snapshot = await loadSnapshot(env, ticket.workflowId, ticket.version);
    outcome = await new GraphRun(ref, steps, snapshot, ticket).run();
  } catch (err) {
    const failure = { message: `Engine error: ${errorMessage(err)}` };
    await steps.do("execution:finish", {}, () => finishRun(ref, failure, { lastNode: null }));
    await runEndSteps(env, steps, executionId, {
      failed: true,
      parentExecutionId: ticket.parentExecutionId,
    });
    if (!ticket.ungated) await releaseSlot(env, ticket.userId, executionId);
    const error = err instanceof Error ? err : new Error(String(err));
    return { status: "error", result: { lastNode: null }, failure, error };
  }
  const { failure } = outcome;
  if (!outcome.canceled && !outcome.ended)
    await steps.do("execution:finish", {}, () => finishRun(ref, failure, outcome.result));
  // After the end is recorded, so the next queued run's `startedAt` never comes before this run's
  // `finishedAt` (maxConcurrency 1: runs never overlap, even by a few ms). Not in a step: releasing twice
  // (a replay) frees nothing more, and a lost release is the gate alarm's.
  if (!ticket.ungated) await releaseSlot(env, ticket.userId, executionId);
  if (outcome.canceled) return { status: "canceled", result: outcome.result, failure: null };
  await runEndSteps(env, steps, executionId, {
    failed: failure !== null,
    parentExecutionId: ticket.parentExecutionId,
  });
  if (failure) {
    const error = new Error(failure.nodeId ? `Node ${failure.nodeId}: ${failure.message}` : failure.message);
    return { status: "error", result: outcome.result, failure, error };
  }
  return { status: "success", result: outcome.result, failure: null };
}

async function finishRun(ref: RunRef, failure: RunFailure | null, result: RunResult) {
  const { execution } = await writeStep(ref, [], {
    kind: "finish",
    status: failure ? "error" : "success",
    error: failure,
    at: new Date(),
    startedAt: new Date(),
  });
  await ref.live.end([], execution, result);
}
