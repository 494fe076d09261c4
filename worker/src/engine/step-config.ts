/** The `step.do` configuration of a node's durable step: its retry policy and timeout. */
import type { WorkflowStepConfig } from "cloudflare:workers";
import type { NodeRetryPolicy } from "../storage/schema";
import type { SnapshotNode } from "./snapshot";

export const DEFAULT_RETRY: NodeRetryPolicy = { maxAttempts: 3, backoff: "exponential", delayMs: 1000 };
/** Generous: AI calls can take minutes. httpRequest bounds its own requests with `timeoutMs`. */
export const NODE_STEP_TIMEOUT = "10 minutes";
/** The node's `signal` aborts a little before the step times out, so a late attempt stops calling out. */
export const NODE_STEP_TIMEOUT_MS = 10 * 60_000 - 5_000;

/** The `step.do` config of a node: its retry policy (or the default) and the step timeout. */
export function nodeStepConfig(node: SnapshotNode): WorkflowStepConfig {
  const retry = node.retry ?? DEFAULT_RETRY;
  return {
    retries: { limit: Math.max(0, retry.maxAttempts - 1), delay: retry.delayMs, backoff: retry.backoff },
    timeout: NODE_STEP_TIMEOUT,
  };
}
