// TEMPORARY (until the engine refactor lands on main): the engine parts under the names they will have.
import { maskSecrets } from "../credentials/for-step";
import { publishExecution } from "../realtime/publish";
import type { LiveNodeState, StepStatus } from "../realtime/events";
import { getDb } from "../storage/db";
import { upsertStep, type ExecutionRow } from "../storage/executions";
import { boundJson } from "./bounded-json";
import { toLiveExecution } from "./live-state";
import type { RunRef } from "./node-runner";
import type { SnapshotNode } from "./snapshot";
export {
  credentialForStep,
  DEFAULT_RETRY,
  errorMessage,
  maskErrorInPlace,
  nodeStepConfig,
  requireNodeType,
  resolveNodeParameters,
  type NodeStepResult,
  type RecordedPause,
  type RunRef,
} from "./node-runner";

export function maskedOutput(output: unknown, secretValues: readonly string[]): unknown {
  return boundJson(maskSecrets(output, secretValues));
}
export function writeStepRecord(ref: RunRef, node: SnapshotNode, fields: Parameters<typeof upsertStep>[2]) {
  return upsertStep(
    getDb(ref.env.DB),
    { executionId: ref.executionId, nodeId: node.id, nodeName: node.name },
    fields,
  );
}
export async function publishExecutionRow(env: Env, row: ExecutionRow | null) {
  if (row) await publishExecution(env, toLiveExecution(row));
}
export function liveNode(
  node: SnapshotNode,
  status: StepStatus,
  attempt: number,
  t: { startedAt?: Date | null; finishedAt?: Date | null; error?: { message: string } | null },
): LiveNodeState {
  return {
    nodeId: node.id,
    nodeName: node.name,
    status,
    attempt,
    error: t.error ?? null,
    startedAt: t.startedAt?.toISOString() ?? null,
    finishedAt: t.finishedAt?.toISOString() ?? null,
  };
}
