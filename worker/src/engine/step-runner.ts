/**
 * The step interface the engine runs on. `durableSteps` is Cloudflare Workflows (each `do` a durable
 * step with its retry policy, replayed from its recorded result); the fast mode passes an in-process
 * implementation of the same interface (in-process-steps.ts). The engine code is the same for both.
 */
import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";

export interface StepContext {
  /** 1 on the first try of the step. */
  attempt: number;
}

export interface StepRunner {
  /** Runs `body` as one step named `name` (deterministic: Workflows replays by name). */
  do<T>(name: string, config: WorkflowStepConfig, body: (ctx: StepContext) => Promise<T>): Promise<T>;
  sleepUntil(name: string, untilMs: number): Promise<void>;
  waitForEvent(name: string, options: { type: string; timeout: number }): Promise<{ payload: unknown }>;
  /** Workflows' own step object (durable only): what loop nodes (loop-run.ts) run their elements on. */
  workflowStep?: WorkflowStep;
}

/**
 * Workflows' steps. Step results are plain JSON (outputs pass through `boundedOutput`), which Workflows
 * can serialize, but `unknown` fields do not satisfy `Rpc.Serializable` statically, hence the casts.
 */
export function durableSteps(step: WorkflowStep): StepRunner {
  return {
    workflowStep: step,
    do: <T>(name: string, config: WorkflowStepConfig, body: (ctx: StepContext) => Promise<T>) =>
      step.do(name, config, body as (ctx: StepContext) => Promise<any>) as Promise<T>,
    sleepUntil: (name, untilMs) => step.sleepUntil(name, untilMs),
    waitForEvent: async (name, options) => {
      const received = await step.waitForEvent(name, { type: options.type, timeout: options.timeout });
      return { payload: received.payload };
    },
  };
}
