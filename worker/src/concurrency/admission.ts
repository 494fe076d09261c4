/**
 * Admission of runs through their owner's run gate (run-gate.ts): at most `settings.maxConcurrency` runs
 * of a workflow and `MAX_RUNNING_PER_USER` runs of a user at once; the others wait `queued`.
 *
 * A queued run gets its Workflow instance at once and waits inside it, durably, for the gate's event
 * "admitted" (`step.waitForEvent`): so the reconciler, which re-creates instances for old `queued` rows,
 * finds the instance there and only wakes it, and a restart loses no queued run.
 *
 *   startExecution   enqueue → "admitted" rides in the ticket: the instance starts its nodes at once
 *   executeRun       not admitted (or unknown) → step `execution:admit` asks again, then
 *                    `execution:admitted[:n]` waits for the event, re-asking every hour
 *   run end          release → the next queued runs are admitted and told
 */
import { getDb } from "../storage/db";
import { findGateFacts } from "../storage/run-gate";
import type { StepRunner } from "../engine/step-runner";
import type { GateEntry } from "./gate-queue";
import { ADMITTED_EVENT } from "./run-gate";

/** The per-user cap when `MAX_RUNNING_PER_USER` is not set. */
export const DEFAULT_MAX_RUNNING_PER_USER = 20;
const RECHECK_MS = 60 * 60_000;
const ADMIT_RETRIES = { retries: { limit: 5, delay: 500, backoff: "exponential" as const } };

/** `MAX_RUNNING_PER_USER` (a positive integer; `0` = no cap), default 20. */
export function userRunCap(env: Env): number | null {
  const raw = env.MAX_RUNNING_PER_USER as string | undefined;
  if (raw === undefined || raw === "") return DEFAULT_MAX_RUNNING_PER_USER;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) return DEFAULT_MAX_RUNNING_PER_USER;
  return value === 0 ? null : value;
}

export function runGateOf(env: Env, userId: string) {
  return env.RUN_GATE.get(env.RUN_GATE.idFromName(`user:${userId}`));
}

/** A run's entry: its workflow's limit, and whether it counts toward the user's cap (not sub-workflows). */
export function gateEntry(
  executionId: string,
  workflowId: string,
  mode: string,
  settings: Record<string, unknown> | null | undefined,
): GateEntry {
  const limit = settings?.maxConcurrency;
  return {
    executionId,
    workflowId,
    limit: typeof limit === "number" ? limit : null,
    capped: mode !== "subworkflow",
  };
}

/**
 * Asks the gate for a slot when the run is requested (arrival order = request order). On a failure the
 * answer is "unknown": the instance's first step asks again.
 */
export async function requestSlot(
  env: Env,
  userId: string,
  entry: GateEntry,
): Promise<"admitted" | "queued" | "unknown"> {
  try {
    return await runGateOf(env, userId).enqueue(entry, userRunCap(env));
  } catch (err) {
    console.warn("run gate unreachable at start; the run asks again", entry.executionId, String(err));
    return "unknown";
  }
}

/** Inside the run, before its first node: returns once the run holds a slot. */
export async function awaitAdmission(env: Env, steps: StepRunner, executionId: string): Promise<void> {
  for (let round = 0; ; round++) {
    const suffix = round === 0 ? "" : `:${round}`;
    const place = await steps.do(`execution:admit${suffix}`, ADMIT_RETRIES, async () => {
      const facts = await findGateFacts(getDb(env.DB), executionId);
      if (!facts) throw new Error(`Execution ${executionId} has no record`);
      const entry = gateEntry(executionId, facts.workflowId, facts.mode, facts.settings);
      return runGateOf(env, facts.userId).enqueue(entry, userRunCap(env));
    });
    if (place === "admitted") return;
    try {
      await steps.waitForEvent(`execution:admitted${suffix}`, { type: ADMITTED_EVENT, timeout: RECHECK_MS });
      return;
    } catch {
      // No event within the hour (e.g. one lost in a crash): ask the gate again, which may admit now.
    }
  }
}

/** The run ended: frees its slot. A failure is left to the gate's alarm, which checks against D1. */
export async function releaseSlot(env: Env, userId: string, executionId: string): Promise<void> {
  try {
    await runGateOf(env, userId).release(executionId);
  } catch (err) {
    console.warn("run gate: release failed; its alarm frees the slot", executionId, String(err));
  }
}
