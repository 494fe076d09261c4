/**
 * What webhook intake and the cron handler need from the engine and the credential vault, as one bag.
 * `realTriggerServices` (trigger-services wiring in http/app.ts and index.ts) passes the real functions;
 * unit tests pass recording ones to check intake decisions without running workflows.
 */
import type {
  ExecutionMode,
  StartedExecution,
  StartExecutionRequest as EngineStartRequest,
} from "../engine/start-execution";
import type { ExecutionStatus } from "../storage/schema";
import type { WebhookAnswer } from "../engine/webhook-answer";

/** The engine's own request type, minus the retry-only fields no trigger sets. */
export type StartExecutionRequest = Omit<EngineStartRequest, "retryOf" | "reuse">;
export type { ExecutionMode, StartedExecution };

/** A run that reached an end, as `respond: "lastNode"` needs it. */
export interface FinishedExecution {
  status: ExecutionStatus;
  /** Output of the last node that ran. */
  output: unknown;
  error: { message: string; nodeId?: string } | null;
}

export interface TriggerServices {
  startExecution(env: Env, request: StartExecutionRequest): Promise<StartedExecution>;
  /** The finished run, or null when it has not finished within `timeoutMs`. */
  waitForExecution(env: Env, executionId: string, timeoutMs: number): Promise<FinishedExecution | null>;
  /**
   * `respond: "responseNode"`: the first respondToWebhook node's answer the moment it runs, or the run's
   * end when it ends without one; null when neither came within `timeoutMs`.
   */
  waitForAnswer(
    env: Env,
    executionId: string,
    timeoutMs: number,
  ): Promise<{ answer: WebhookAnswer } | { finished: FinishedExecution } | null>;
  /**
   * Decrypted credential fields. Intake verifies signatures and shared secrets with them before any run
   * exists; the values are compared and dropped, never stored or logged.
   */
  loadCredential(
    env: Env,
    request: { userId: string; credentialId: string; acceptedTypes: readonly string[] },
  ): Promise<{ type: string; data: Record<string, unknown> }>;
}
