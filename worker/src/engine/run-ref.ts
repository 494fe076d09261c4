/** The small values every step body of a run shares (no graph, no outputs: those are passed per call). */
import type { FirstWrite } from "./first-write";
import type { RunLive } from "./run-live";
import type { Responder } from "./webhook-answer";

/** What every node step knows about its run. */
export interface RunRef {
  env: Env;
  executionId: string;
  workflowId: string;
  userId: string;
  /** Origin of the request that started the run, for the links it builds (`$resumeUrl`). */
  origin?: string | null;
  /** Live status of this run (publishes only while someone watches). */
  live: RunLive;
  /** A webhook call waits for a respondToWebhook node's answer (webhook-answer.ts); else absent. */
  respond?: Responder;
  /** A fast run whose execution row goes in with its first batch (first-write.ts). */
  firstWrite?: FirstWrite;
}

/** A node's step result: its bounded output and the handle it took. */
export interface NodeStepResult {
  output: unknown;
  branch: string;
  /** The node ran but its final record could not be written: step `node:<id>:record` writes it. */
  unrecorded?: { startedAt: number; finishedAt: number; attempts: number };
  /** The execution had ended (canceled) before the node started: it did not run, nothing more runs. */
  canceled?: true;
}

/** A pause, as recorded by the `node:<id>:pause` step (plain data, so the step result replays). */
export type RecordedPause =
  | { kind: "sleep"; untilMs: number }
  | { kind: "event"; event: string; timeoutMs: number }
  /** Nothing to wait for: `value` goes to the node's `run` as `ctx.event` (a sub-workflow not awaited). */
  | { kind: "none"; value: unknown };
