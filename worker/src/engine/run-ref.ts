/** The small values every step body of a run shares (no graph, no outputs: those are passed per call). */

/** What every node step knows about its run. */
export interface RunRef {
  env: Env;
  executionId: string;
  workflowId: string;
  userId: string;
}

/** A node's step result: its bounded output and the handle it took. */
export interface NodeStepResult {
  output: unknown;
  branch: string;
}

/** A pause, as recorded by the `node:<id>:pause` step (plain data, so the step result replays). */
export type RecordedPause =
  { kind: "sleep"; untilMs: number } | { kind: "event"; event: string; timeoutMs: number };
