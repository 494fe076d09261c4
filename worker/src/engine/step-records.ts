/**
 * A node's step record in D1 (`execution_step`), written from inside its steps. Every write goes through
 * `upsertStep`, which never overwrites a canceled row and keeps the first `startedAt`.
 */
import { getDb } from "../storage/db";
import { findStep, upsertStep } from "../storage/executions";
import type { RunRef } from "./run-ref";
import { withinBudget } from "./storage-budget";
import type { SnapshotNode } from "./snapshot";

type StepFields = Parameters<typeof upsertStep>[2];

export function stepKey(ref: RunRef, node: SnapshotNode) {
  return { executionId: ref.executionId, nodeId: node.id, nodeName: node.name };
}

/**
 * Writes the node's record; with `unlessFinal`, only while the record is not final yet. A write that would
 * pass the execution's storage budget is refused by D1 and thrown as the node's error (storage-budget.ts).
 */
export async function writeStepRecord(
  ref: RunRef,
  node: SnapshotNode,
  fields: StepFields,
  opts: { unlessFinal?: boolean } = {},
) {
  await withinBudget(ref, node.name, upsertStep(getDb(ref.env.DB), stepKey(ref, node), fields, opts));
}

export function readStepRecord(ref: RunRef, node: SnapshotNode) {
  return findStep(getDb(ref.env.DB), ref.executionId, node.id);
}
