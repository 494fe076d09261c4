/**
 * The bodies of a node's durable steps: run one attempt of a node that calls the outside world, prepare
 * a pause, record a failure, a skip, a reused output or a late record. Pure nodes run in groups
 * (pure-group.ts). Everything here runs inside a step, so its side effects happen once per attempt, never
 * on a replay. The parts each body uses have their own modules: parameters (node-parameters.ts),
 * credentials (node-credential.ts), masking (masking.ts), records (storage/run-records.ts), live state
 * (run-live.ts, live-state.ts) and error text (node-errors.ts).
 *
 * Bookkeeping never repeats a side effect: a failed "running" write is logged (the node's work goes on),
 * and a failed final write is handed to its own step (`node:<id>:record`) instead of failing the attempt,
 * which would make Workflows run the node again.
 */
import { deadline } from "../net/deadline";
import { logsOf, type NodePause } from "../nodes/node-type";
import type { LogLine } from "../sandbox/console-lines";
import { getDb } from "../storage/db";
import { findExecution, findStep } from "../storage/executions";
import { writeRunBatch, type ExecutionChange, type StepRecordWrite } from "../storage/run-records";
import { boundedOutput, boundJson } from "./bounded-json";
import type { ExpressionScope } from "./expressions";
import { liveNode, recordSizes } from "./live-state";
import { hydrateScope } from "./loop-results";
import { maskErrorInPlace } from "./masking";
import { maskSecrets } from "../credentials/for-step";
import { credentialForStep } from "./node-credential";
import { errorMessage, requireNodeType } from "./node-errors";
import { resolveNodeParameters } from "./node-parameters";
import { createOutboundConnect } from "./outbound-connect";
import { createOutboundFetch } from "./outbound-fetch";
import type { NodeStepResult, RecordedPause, RunRef } from "./run-ref";
import type { SnapshotNode } from "./snapshot";
import { NODE_STEP_TIMEOUT_MS } from "./step-config";
import { isStorageBudgetMessage, withinBudget } from "./storage-budget";
import { startSubWorkflow } from "./sub-workflow";
import { nodeResponder } from "./webhook-answer";

/** Writes the records (and status change) of one step in one batch; the watch time goes to `ref.live`. */
export async function writeStep(ref: RunRef, records: StepRecordWrite[], change?: ExecutionChange) {
  // A record past the execution's storage budget fails the batch: named after the node that produced it.
  const producer = records.findLast((r) => r.fields.output !== undefined) ?? records[records.length - 1];
  const before = ref.firstWrite?.take() ?? [];
  const result = await withinBudget(
    ref,
    producer?.nodeName ?? "?",
    writeRunBatch(getDb(ref.env.DB), ref, records, change, before),
  );
  if (before.length > 0) ref.firstWrite!.wrote();
  ref.live.update(result.liveUntil);
  return result;
}

const record = (
  node: SnapshotNode,
  fields: StepRecordWrite["fields"],
  unlessFinal = false,
): StepRecordWrite => ({
  nodeId: node.id,
  nodeName: node.name,
  fields,
  unlessFinal,
});

/** One attempt of a node that is not pure (the body of step `node:<id>`). Throws to fail the attempt. */
export async function runNodeAttempt(
  ref: RunRef,
  node: SnapshotNode,
  args: {
    input: unknown;
    scope: ExpressionScope;
    attempt: number;
    /** The trigger's payload when this node is the trigger (read from D1 when undefined). */
    trigger?: { value: unknown };
    isTrigger: boolean;
    /** The payload of the event that resumed a `waitForEvent`-like node. */
    event?: unknown;
    /** The execution goes (back) to `running`: its first node, or the node after a pause. */
    markRunning: boolean;
  },
): Promise<NodeStepResult> {
  const startedAt = new Date();
  const input = boundJson(args.input);
  const attemptFields = { attempts: args.attempt, input, startedAt };
  // The "running" record comes before the node's work, and reads the execution's status with it (same
  // round trip): a run canceled meanwhile starts nothing more. Its publish overlaps the work; the write
  // skips a record that is already final or of a newer attempt, and the run's publishes are applied one
  // after the other (run-live.ts). A failed write is logged: the node's work must not be repeated for it.
  const written = await writeStep(
    ref,
    [record(node, { status: "running", ...attemptFields }, true)],
    args.markRunning ? { kind: "running", at: startedAt } : undefined,
  ).catch((err: unknown) => {
    console.error("engine: recording the start of", node.id, "failed", err);
    return null;
  });
  if (written?.executionStatus === "canceled") return skipCanceled(ref, node, args.attempt);
  const started = written
    ? ref.live
        .publish(
          [liveNode(node, "running", args.attempt, { startedAt, sizes: recordSizes(ref.live, input, null) })],
          written.execution,
        )
        .catch((err: unknown) => console.error("engine: publishing the start of", node.id, "failed", err))
    : Promise.resolve();
  // Aborted when the step times out, so a late attempt stops calling out (nodes pass it to fetch).
  const timeout = deadline(NODE_STEP_TIMEOUT_MS, "The node's step timed out");
  let secretValues: readonly string[] = [];
  let result;
  let logs: LogLine[] | null = null;
  let trigger: unknown;
  try {
    const nodeType = requireNodeType(node);
    // A large loop output arrives as a reference: the node gets the whole value (loop-results.ts).
    const { input, scope } = await hydrateScope(ref, args.input, args.scope);
    trigger = args.isTrigger ? await triggerPayload(ref, args.trigger) : scope.trigger;
    const params = await resolveNodeParameters(nodeType, node, { ...scope, trigger });
    const outboundFetch = createOutboundFetch(ref.env);
    const credential = await credentialForStep(ref, node, nodeType, outboundFetch);
    secretValues = credential?.secretValues ?? [];
    result = await nodeType.run({
      params,
      input,
      node: { id: node.id, name: node.name, type: node.type },
      execution: { id: ref.executionId, workflowId: ref.workflowId },
      trigger,
      credential: credential && { type: credential.type, data: credential.data },
      fetch: outboundFetch,
      signal: timeout.signal,
      connect: createOutboundConnect(ref.env),
      event: args.event,
      nodes: scope.nodes,
      item: scope.item,
      respond: nodeResponder(ref.respond, node),
    });
    // The output is recorded and becomes the step's result (persisted by Workflows): never with a secret,
    // never over the stored-size limit (that fails the node without a retry).
    const output = boundedOutput(maskSecrets(result.output, secretValues), node.name);
    logs = result.logs ?? null;
    result = { output, branch: result.branch ?? "main" };
  } catch (err) {
    timeout.clear();
    // The attempt failed; the step may still retry. Record why, so the record and the editor show it now.
    maskErrorInPlace(err, secretValues);
    const error = { message: errorMessage(err) };
    const errorLogs = logsOf(err) ?? null;
    await started;
    try {
      await writeStep(ref, [
        record(node, { status: "running", ...attemptFields, error, logs: errorLogs }, true),
      ]);
      const sizes = recordSizes(ref.live, input, null);
      await ref.live.publish([liveNode(node, "running", args.attempt, { startedAt, error, sizes })]);
    } catch (writeErr) {
      console.error("engine: recording the failed attempt of", node.id, "failed", writeErr);
    }
    throw err;
  }
  timeout.clear();
  const finishedAt = new Date();
  // Idempotent: the same values on any repeat; attempt-guarded against a newer attempt's record. It may
  // land before the "running" write, which then changes nothing (that one is `unlessFinal`).
  const recorded = writeStep(ref, [
    record(node, {
      status: "success",
      ...attemptFields,
      output: result.output,
      error: null,
      logs,
      finishedAt,
    }),
  ]).then(
    () => {
      const sizes = recordSizes(ref.live, input, result.output);
      const state = liveNode(node, "success", args.attempt, { startedAt, finishedAt, sizes });
      return ref.live.publish([state]).then(() => true);
    },
    (err: unknown) => {
      console.error("engine: recording the success of", node.id, "failed; recorded by its own step", err);
      return false;
    },
  );
  const [, ok] = await Promise.all([started, recorded]);
  if (ok) return result;
  return {
    ...result,
    unrecorded: { startedAt: startedAt.getTime(), finishedAt: finishedAt.getTime(), attempts: args.attempt },
  };
}

/** The execution was canceled before this node started: its record says so, and it does not run. */
async function skipCanceled(ref: RunRef, node: SnapshotNode, attempt: number): Promise<NodeStepResult> {
  await recordNodeEnd(ref, node, "canceled", attempt);
  return { output: null, branch: "main", canceled: true };
}

/** The body of step `node:<id>:record`: the success record an attempt could not write itself. */
export async function recordLateSuccess(
  ref: RunRef,
  node: SnapshotNode,
  input: unknown,
  result: NodeStepResult,
) {
  const late = result.unrecorded!;
  const startedAt = new Date(late.startedAt);
  const finishedAt = new Date(late.finishedAt);
  const recorded = boundJson(input);
  await writeStep(ref, [
    record(node, {
      status: "success",
      attempts: late.attempts,
      input: recorded,
      startedAt,
      output: result.output,
      error: null,
      finishedAt,
    }),
  ]);
  const sizes = recordSizes(ref.live, recorded, result.output);
  await ref.live.publish([liveNode(node, "success", late.attempts, { startedAt, finishedAt, sizes })]);
}

/** The trigger's payload: from the run's ticket when it rode along, else from the execution row. */
export async function triggerPayload(ref: RunRef, inline: { value: unknown } | undefined): Promise<unknown> {
  if (inline) return inline.value;
  return (await findExecution(getDb(ref.env.DB), ref.executionId))?.triggerData ?? null;
}

/**
 * The body of step `node:<id>:pause`: evaluates the node's parameters, asks it what to wait for, and
 * marks the node and the execution `waiting`. Its result is recorded, so a sleep computed from "now"
 * keeps the same end on every replay.
 */
export async function prepareNodePause(
  ref: RunRef,
  node: SnapshotNode,
  recordedScope: ExpressionScope,
): Promise<RecordedPause> {
  const { scope } = await hydrateScope(ref, recordedScope.json, recordedScope);
  const nodeType = requireNodeType(node);
  const params = await resolveNodeParameters(nodeType, node, scope);
  const pause: NodePause = nodeType.pause!(params);
  const recorded: RecordedPause =
    pause.kind === "subworkflow"
      ? await startSubWorkflow(ref, node, scope.json, pause)
      : pause.kind === "sleep"
        ? { kind: "sleep", untilMs: pause.until.getTime() }
        : { kind: "event", event: pause.event, timeoutMs: pause.timeoutMs };
  if (recorded.kind === "none") return recorded;
  const startedAt = new Date();
  const { execution } = await writeStep(
    ref,
    [record(node, { status: "waiting", input: boundJson(scope.json), startedAt })],
    { kind: "waiting" },
  );
  await ref.live.publish([liveNode(node, "waiting", 0, { startedAt })], execution);
  return recorded;
}

/**
 * The body of step `node:<id>:failed`: the node failed for good (retries spent, or a pause timed out).
 * `output` is what it hands on under `onError` `continue` / `errorOutput` (null when the run stops).
 */
export async function recordNodeFailure(ref: RunRef, node: SnapshotNode, message: string, output: unknown) {
  const finishedAt = new Date();
  const previous = await findStep(getDb(ref.env.DB), ref.executionId, node.id);
  const error = { message };
  const failed = { status: "error" as const, error, finishedAt };
  // With onError "continue"/"errorOutput" the node's output carries the error to its successors; past
  // the storage budget the failure is still recorded, without it.
  await writeStep(ref, [record(node, { ...failed, output })]).catch((err: unknown) => {
    if (!isStorageBudgetMessage(errorMessage(err))) throw err;
    return writeStep(ref, [record(node, { ...failed, output: null })]);
  });
  await ref.live.publish([
    liveNode(node, "error", previous?.attempts ?? 0, {
      startedAt: previous?.startedAt ?? null,
      finishedAt,
      error,
    }),
  ]);
}

/** The body of a skipped node's step `node:<id>`: it sits on a branch that was not taken. */
export async function recordNodeSkipped(ref: RunRef, node: SnapshotNode) {
  await recordNodeEnd(ref, node, "skipped", 0);
  return { skipped: true };
}

/** A pause left open when another branch failed the run: canceled, so the run can end now. */
export async function recordPauseAbandoned(ref: RunRef, node: SnapshotNode) {
  await recordNodeEnd(ref, node, "canceled", 0);
  return { abandoned: true };
}

/** A node that ends without running (skipped, canceled): its final record, then the live state. */
async function recordNodeEnd(
  ref: RunRef,
  node: SnapshotNode,
  status: "skipped" | "canceled",
  attempt: number,
) {
  const finishedAt = new Date();
  await writeStep(ref, [record(node, { status, finishedAt })]);
  await ref.live.publish([liveNode(node, status, attempt, { finishedAt })]);
}

/** The body of a reused node's step (retry `fromFailed`): the output recorded before the run started. */
export async function loadReusedOutput(
  ref: RunRef,
  node: SnapshotNode,
  markRunning: boolean,
): Promise<NodeStepResult> {
  const row = await findStep(getDb(ref.env.DB), ref.executionId, node.id);
  if (!row || row.status !== "success")
    throw new Error(`No reusable output recorded for node "${node.name}"`);
  const { execution } = markRunning
    ? await writeStep(ref, [], { kind: "running", at: new Date() })
    : { execution: null };
  const sizes = recordSizes(ref.live, row.input, row.output);
  const times = { startedAt: row.startedAt, finishedAt: row.finishedAt };
  await ref.live.publish([liveNode(node, "success", row.attempts, { ...times, sizes })], execution);
  return { output: row.output ?? null, branch: "main" };
}
