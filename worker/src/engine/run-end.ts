/**
 * What follows once an execution's record is final, each as its own durable step (so a replay of `run()`
 * repeats none of it and a failed attempt is retried): start the error workflow of a failed run.
 */
import type { StepRunner } from "./step-runner";
import { startErrorWorkflow } from "./error-workflow";

const FOLLOW_UP_RETRIES = { retries: { limit: 5, delay: 1000, backoff: "exponential" as const } };

export async function runEndSteps(env: Env, step: StepRunner, executionId: string, failed: boolean) {
  if (failed) {
    try {
      await step.do("execution:error-workflow", FOLLOW_UP_RETRIES, () =>
        startErrorWorkflow(env, executionId),
      );
    } catch (err) {
      // The failed run's own record is already final; a follow-up that keeps failing must not change it.
      console.error("error workflow could not be started", executionId, err);
    }
  }
}
