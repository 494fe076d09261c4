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
import { waitForExecution } from "../engine/wait-for-execution";
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
    const finished = await waitForExecution(env, executionId, timeoutMs);
    if (!finished) return null;
    return {
      status: finished.execution.status,
      output: finished.lastNode?.output ?? null,
      error: finished.execution.error ?? null,
    };
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
