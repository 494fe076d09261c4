/**
 * Storage bounds of a run (issue 13). Every execution is created with a storage limit
 * (`EXECUTION_MAX_BYTES`, default 64 MiB) on its row; triggers in D1 (migrations 0011, 0012) count the
 * bytes its trigger payload and its step records hold and refuse, inside the writing statement, a write that would take them past
 * it. Here the refusal becomes the node's error: clear, naming the node and the limit, never retried
 * (more attempts would store more), and never handed on by `onError` (the run stops: nothing more is
 * stored). Status-only writes (skipped, canceled, a failure without output) still succeed.
 */
import { NonRetryableError } from "cloudflare:workflows";
import { getDb } from "../storage/db";
import { findExecution } from "../storage/executions";
import type { RunRef } from "./run-ref";

export const DEFAULT_EXECUTION_MAX_BYTES = 64 * 1024 * 1024;
/** What the D1 triggers raise. */
const BUDGET_SIGNAL = "nodebase_storage_budget";
/** In every budget error's text: how the engine tells it from other failures after it crossed a step. */
const BUDGET_PHRASE = "storage budget of this execution";

type BudgetEnv = { EXECUTION_MAX_BYTES?: unknown };

/** `EXECUTION_MAX_BYTES` as a whole number of bytes ≥ 1 MiB; anything else means the default. */
export function executionStorageLimit(env: object): number {
  const bytes = Number((env as BudgetEnv).EXECUTION_MAX_BYTES);
  return Number.isInteger(bytes) && bytes >= 1024 * 1024 ? bytes : DEFAULT_EXECUTION_MAX_BYTES;
}

/** True for the D1 refusal, however the driver wrapped it (drizzle puts D1's error in `cause`). */
export function isStorageBudgetRefusal(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message.includes(BUDGET_SIGNAL)) return true;
  }
  return false;
}

/** The node's error for a refused write, with the limit the execution was created with. */
export async function storageBudgetError(ref: RunRef, nodeName: string): Promise<NonRetryableError> {
  const row = await findExecution(getDb(ref.env.DB), ref.executionId);
  const limit = row?.storageLimit ?? executionStorageLimit(ref.env);
  return new NonRetryableError(
    `Node "${nodeName}": its record would pass the ${BUDGET_PHRASE} (${limit} bytes, EXECUTION_MAX_BYTES); nothing more of this run is stored`,
  );
}

/** A failure message that came from the budget: the run stops whatever the node's `onError`. */
export function isStorageBudgetMessage(message: string): boolean {
  return message.includes(BUDGET_PHRASE);
}

/** Awaits a write of the node's records, turning a budget refusal into the node's error. */
export async function withinBudget<T>(ref: RunRef, nodeName: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isStorageBudgetRefusal(err)) throw await storageBudgetError(ref, nodeName);
    throw err;
  }
}
