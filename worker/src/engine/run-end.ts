/**
 * What follows once an execution's record is final, each as its own durable step (so a replay of `run()`
 * repeats none of it and a failed attempt is retried): start the error workflow of a failed run, and tell
 * the parent of a sub-workflow run (which waits for it) how it ended.
 */
import type { StepRunner } from "./step-runner";
import { startErrorWorkflow } from "./error-workflow";
import { notifyParent } from "./sub-workflow";

const FOLLOW_UP_RETRIES = { retries: { limit: 5, delay: 1000, backoff: "exponential" as const } };

export async function runEndSteps(
  env: Env,
  step: StepRunner,
  executionId: string,
  run: {
    failed: boolean;
    /** Undefined when unknown (the run broke before loading): the step reads it. */ parentExecutionId?:
      string | null;
  },
) {
  if (run.parentExecutionId !== null) {
    try {
      await step.do("execution:notify-parent", FOLLOW_UP_RETRIES, () => notifyParent(env, executionId));
    } catch (err) {
      console.error("the parent execution could not be told", executionId, err);
    }
  }
  if (run.failed) {
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
