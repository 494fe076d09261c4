/**
 * The real engine and credential vault behind `TriggerServices`, for the Worker's webhook routes and cron
 * handler. Failures become API errors a caller can act on: a trigger whose credential is gone, or a run
 * that could not start, is a 503 (Stripe and most senders retry), never a silent 2xx.
 */
import {
  CredentialNotFoundError,
  CredentialTypeMismatchError,
  loadCredentialForStep,
} from "../credentials/for-step";
import { ExecutionStartError, startExecution } from "../engine/start-execution";
import { waitForExecution, type FinishedExecution } from "../engine/wait-for-execution";
import type { RunEnd } from "../realtime/events";
import type { AwaitedAnswer } from "../realtime/run-room";
import { runRoom } from "../realtime/publish";
import { ApiError } from "../http/errors";
import type { TriggerServices } from "./services";

export const realTriggerServices: TriggerServices = {
  async startExecution(env, request) {
    try {
      return await startExecution(env, request);
    } catch (err) {
      if (err instanceof ExecutionStartError) throw new ApiError(503, err.code, err.message);
      throw err;
    }
  },

  async waitForExecution(env, executionId, timeoutMs) {
    // The run's room resolves the wait when the engine signals the end (started with `awaitEnd`).
    let end;
    try {
      end = (await runRoom(env, executionId).awaitEnd(timeoutMs)) as RunEnd | null;
    } catch (err) {
      console.error("webhook: waiting through the run's room failed; reading the records", executionId, err);
      return fromRecords(await waitForExecution(env, executionId, timeoutMs));
    }
    return end ? fromEnd(env, executionId, end) : null;
  },

  async waitForAnswer(env, executionId, timeoutMs) {
    // The node's answer and the run's end both reach the room (started with `awaitAnswer` and `awaitEnd`).
    let got;
    try {
      got = (await runRoom(env, executionId).awaitAnswer(timeoutMs)) as AwaitedAnswer;
    } catch (err) {
      // Without the room no answer can arrive: the run's end, from the records, is the answer.
      console.error("webhook: waiting through the run's room failed; reading the records", executionId, err);
      const finished = fromRecords(await waitForExecution(env, executionId, timeoutMs));
      return finished && { finished };
    }
    if (!got) return null;
    if ("answer" in got) return { answer: got.answer };
    const finished = await fromEnd(env, executionId, got.end);
    return finished && { finished };
  },

  async loadCredential(env, request) {
    try {
      const { type, data } = await loadCredentialForStep(env, request);
      return { type, data };
    } catch (err) {
      if (err instanceof CredentialNotFoundError || err instanceof CredentialTypeMismatchError) {
        throw new ApiError(
          503,
          "trigger_not_configured",
          `The trigger's credential is unusable: ${err.message}`,
        );
      }
      throw err;
    }
  },
};

async function fromEnd(env: Env, executionId: string, end: RunEnd) {
  if (end.result) {
    return {
      status: end.execution.status,
      output: end.result.lastNode?.output ?? null,
      error: end.execution.error ?? null,
    };
  }
  // Ended without the answer in the room (a cancel, or the room was evicted): the records have it.
  return fromRecords(await waitForExecution(env, executionId, 0));
}

function fromRecords(finished: FinishedExecution | null) {
  if (!finished) return null;
  return {
    status: finished.execution.status,
    output: finished.lastNode?.output ?? null,
    error: finished.execution.error ?? null,
  };
}
