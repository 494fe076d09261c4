/**
 * The step interface the engine runs on. `durableSteps` is Cloudflare Workflows (each `do` a durable
 * step with its retry policy, replayed from its recorded result); the fast mode passes an in-process
 * implementation of the same interface (in-process-steps.ts). The engine code is the same for both.
 */
import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import { yieldToRuntime } from "./yield-runtime";

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
    do: async <T>(name: string, config: WorkflowStepConfig, body: (ctx: StepContext) => Promise<T>) => {
      // Every step begins with a yield: a chain of steps is one stretch of ready work (each D1 write
      // resolving into the next step), and without it a 37-step run of 915 KB nodes held every other
      // request for 2.4 s under `wrangler dev` (yield-runtime.ts; docs/benchmarks.md).
      await yieldToRuntime();
      return (await step.do(name, config, body as (ctx: StepContext) => Promise<any>)) as T;
    },
    sleepUntil: (name, untilMs) => step.sleepUntil(name, untilMs),
    waitForEvent: async (name, options) => {
      const received = await step.waitForEvent(name, { type: options.type, timeout: options.timeout });
      return { payload: received.payload };
    },
  };
}
