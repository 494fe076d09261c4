/**
 * A loop's `done` output (`{ results, count, failed, errors }`) is built from its `loop_item` rows in D1.
 * Up to the step-result size (MAX_RECORDED_BYTES) it travels like any output. Larger, the `:done` step
 * returns a small reference instead (`__loopResults` plus `count` and `failed`), and every step that runs
 * a node reads the full value back from D1 before the node sees it ("hydrates" it): the consumer gets the
 * whole list, and no step result ever holds it. The rows are the loop's own records, written once per
 * element and never changed after `done`, so a replayed or retried consumer reads the same value.
 *
 * Bounded by MAX_LOOP_RESULTS_BYTES: a Worker holds the value in memory (128 MB), parsed.
 */
import { NonRetryableError } from "cloudflare:workflows";
import { getDb } from "../storage/db";
import { findExecution } from "../storage/executions";
import { listLoopOutcomes, type LoopKey } from "../storage/loops";
import { formatBytes, MAX_RECORDED_BYTES, toStoredJson } from "./bounded-json";
import type { ExpressionScope } from "./expressions";
import type { RunRef } from "./run-ref";

/** The largest `done` output a loop may produce (stored JSON size); beyond it the loop node fails. */
export const MAX_LOOP_RESULTS_BYTES = 16 * 1024 * 1024;

/** What the `:done` step returns when the output is too large for a step result. */
export interface LoopResultsRef {
  /**
   * Where the rows are. `executionId` names the run that looped, which is not always the run that reads:
   * a sub-workflow's last node hands its reference to the parent (absent in references from before it
   * was recorded: the reading run's own).
   */
  __loopResults: { executionId?: string; loopNodeId: string; parentPath: string; bytes: number };
  count: number;
  failed: number;
}

export function isLoopResultsRef(value: unknown): value is LoopResultsRef {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { __loopResults?: unknown }).__loopResults === "object"
  );
}

/** `done`'s output from D1: every element's result in order, how many there were and how many failed. */
export async function readLoopOutput(env: Env, key: LoopKey) {
  const outcomes = await listLoopOutcomes(getDb(env.DB), key);
  const errors = outcomes
    .filter((o) => o.status === "error")
    .slice(0, 100)
    .map((o) => ({ index: o.itemIndex, message: o.error?.message ?? "failed" }));
  return {
    results: outcomes.map((o) => (o.status === "success" ? (o.result ?? null) : null)),
    count: outcomes.length,
    failed: outcomes.filter((o) => o.status === "error").length,
    // The first 100 failures, so a `continue` loop can report what went wrong.
    errors,
  };
}

/**
 * The body of the `:done` step: the output itself when it fits a step result, else a reference to it.
 * Throws a NonRetryableError naming the loop node when it is over MAX_LOOP_RESULTS_BYTES.
 */
export async function doneOutput(env: Env, key: LoopKey, nodeName: string, maxBytes = MAX_RECORDED_BYTES) {
  const output = await readLoopOutput(env, key);
  const { json, bytes } = toStoredJson(output);
  if (bytes <= maxBytes) return json;
  if (bytes > MAX_LOOP_RESULTS_BYTES) {
    throw new NonRetryableError(
      `Node "${nodeName}": its results are ${formatBytes(bytes)} when stored, over the ` +
        `${formatBytes(MAX_LOOP_RESULTS_BYTES)} a loop's done output may hold; return less from the body ` +
        "(e.g. pick the fields you need in its last node)",
    );
  }
  const ref: LoopResultsRef = {
    __loopResults: {
      executionId: key.executionId,
      loopNodeId: key.loopNodeId,
      parentPath: key.parentPath,
      bytes,
    },
    count: output.count,
    failed: output.failed,
  };
  return ref;
}

/** Read-back values by reference object: a run's outputs keep the same object, so it is read once. */
const hydrated = new WeakMap<LoopResultsRef, unknown>();

async function hydrate(ref: RunRef, value: LoopResultsRef): Promise<unknown> {
  const known = hydrated.get(value);
  if (known !== undefined) return known;
  const full = await readLoopResults(ref.env, ref.userId, ref.executionId, value);
  hydrated.set(value, full);
  return full;
}

/**
 * The full value behind a reference, read for a run of `userId` (`executionId`: the reading run, the
 * default owner of the rows). A reference is only data, so one that names another user's execution
 * (typed into a `set` node, say) reads nothing: the rows are read only from this user's executions.
 */
export async function readLoopResults(
  env: Env,
  userId: string,
  executionId: string,
  value: LoopResultsRef,
): Promise<unknown> {
  const { loopNodeId, parentPath } = value.__loopResults;
  const owner = value.__loopResults.executionId ?? executionId;
  if (owner !== executionId && (await findExecution(getDb(env.DB), owner))?.userId !== userId) {
    throw new NonRetryableError(
      `The loop results referenced here (node "${loopNodeId}" of execution ${owner}) are not in any of your executions`,
    );
  }
  return readLoopOutput(env, { executionId: owner, loopNodeId, parentPath });
}

/** A node's output as its consumer sees it: a loop reference read back, anything else as it is. */
export async function hydrateOutput(ref: RunRef, value: unknown): Promise<unknown> {
  return isLoopResultsRef(value) ? hydrate(ref, value) : value;
}

/** `$json`: an output, or a `merge` node's `{ [nodeName]: output }`. */
async function hydrateInput(ref: RunRef, input: unknown): Promise<unknown> {
  if (isLoopResultsRef(input)) return hydrate(ref, input);
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const entries = Object.entries(input as Record<string, unknown>);
  if (!entries.some(([, v]) => isLoopResultsRef(v))) return input;
  return Object.fromEntries(
    await Promise.all(entries.map(async ([k, v]) => [k, await hydrateOutput(ref, v)])),
  );
}

/**
 * The input and scope a node runs with, every loop reference in them (`$json`, `$node(...)`) read back.
 * Called inside the step that runs the node; returns the same objects when there is nothing to read.
 */
export async function hydrateScope(
  ref: RunRef,
  input: unknown,
  scope: ExpressionScope,
): Promise<{ input: unknown; scope: ExpressionScope }> {
  const hydratedInput = await hydrateInput(ref, input);
  const json = scope.json === input ? hydratedInput : await hydrateInput(ref, scope.json);
  const nodesHaveRefs = Object.values(scope.nodes).some(isLoopResultsRef);
  if (!nodesHaveRefs && hydratedInput === input && json === scope.json) return { input, scope };
  const nodes = nodesHaveRefs
    ? Object.fromEntries(
        await Promise.all(
          Object.entries(scope.nodes).map(async ([name, v]) => [name, await hydrateOutput(ref, v)] as const),
        ),
      )
    : scope.nodes;
  return { input: hydratedInput, scope: { ...scope, json, nodes } };
}
