/**
 * The in-process implementation of the step interface, for `executionMode: "fast"`: each `do` runs its
 * body at once in this Worker invocation, retried here by the step's policy (the node's `retry`), with
 * the same attempt numbers, delays and `NonRetryableError` rule as Workflows. Nothing is recorded by the
 * runner itself, so a crash mid-run loses its progress: the reconciler then hands the execution to the
 * durable engine (`resumeInDurableEngine`), which runs it again from its start (at-least-once).
 *
 * Pauses cannot run here: workflows with `wait`/`waitForEvent` are refused in fast mode at save (422).
 */
import type { WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import type { StepContext, StepRunner } from "./step-runner";
import { yieldIfBusy } from "./yield-runtime";

export interface InProcessSteps extends StepRunner {
  /** Steps run so far (counted by the budget test and the benchmark). */
  readonly count: number;
}

export function inProcessSteps(
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): InProcessSteps {
  let count = 0;
  return {
    get count() {
      return count;
    },
    async do<T>(
      _name: string,
      config: WorkflowStepConfig,
      body: (ctx: StepContext) => Promise<T>,
    ): Promise<T> {
      count++;
      // A long fast run lets other requests in too, but only once it has been busy a while (a yield on
      // every step would cost the short runs that fast mode is for).
      await yieldIfBusy();
      const limit = config.retries?.limit ?? 0;
      for (let attempt = 1; ; attempt++) {
        try {
          return await body({ attempt });
        } catch (err) {
          if (attempt > limit || isNonRetryable(err)) throw err;
          await sleep(retryDelay(config, attempt));
        }
      }
    },
    async sleepUntil(name) {
      throw new Error(`Step ${name}: a pause cannot run in fast mode`);
    },
    async waitForEvent(name) {
      throw new Error(`Step ${name}: a pause cannot run in fast mode`);
    },
  };
}

/** Workflows' backoff: `delay` before the 2nd attempt, then constant or doubling. */
export function retryDelay(config: WorkflowStepConfig, attempt: number): number {
  const base = typeof config.retries?.delay === "number" ? config.retries.delay : 0;
  return config.retries?.backoff === "exponential" ? base * 2 ** (attempt - 1) : base;
}

function isNonRetryable(err: unknown): boolean {
  return err instanceof NonRetryableError || (err instanceof Error && err.name === "NonRetryableError");
}
