/**
 * The bodies of a node's durable steps: run one attempt, prepare a pause, record a failure, a skip or a
 * reused output. Everything here runs inside `step.do`, so its side effects happen once per attempt, never
 * on a replay. The parts each body uses have their own modules: parameters (node-parameters.ts),
 * credentials (node-credential.ts), masking (masking.ts), records (step-records.ts), live state
 * (live-state.ts) and error text (node-errors.ts).
 */
import { logsOf, type NodePause } from "../nodes/node-type";
import { nodePublisher, publishNode } from "../realtime/publish";
import { getDb } from "../storage/db";
import { findExecution, markExecutionRunning, markExecutionWaiting } from "../storage/executions";
import { boundJson } from "./bounded-json";
import type { ExpressionScope } from "./expressions";
import { liveNode, publishExecutionRow } from "./live-state";
import { maskedOutput, maskErrorInPlace } from "./masking";
import { credentialForStep } from "./node-credential";
import { errorMessage, requireNodeType } from "./node-errors";
import { resolveNodeParameters } from "./node-parameters";
import { createOutboundConnect } from "./outbound-connect";
import { createOutboundFetch } from "./outbound-fetch";
import type { NodeStepResult, RecordedPause, RunRef } from "./run-ref";
import type { SnapshotNode } from "./snapshot";
import { readStepRecord, writeStepRecord } from "./step-records";
import { isStorageBudgetMessage } from "./storage-budget";
import { startSubWorkflow } from "./sub-workflow";

/** One attempt of a node (the body of step `node:<id>`). Throws to fail the attempt. */
export async function runNodeAttempt(
  ref: RunRef,
  node: SnapshotNode,
  args: {
    input: unknown;
    scope: ExpressionScope;
    attempt: number;
    isTrigger: boolean;
    /** The payload of the event that resumed a `waitForEvent`-like node. */
    event?: unknown;
    /** True after a pause: the execution goes back from `waiting` to `running`. */
    resumed: boolean;
  },
): Promise<NodeStepResult> {
  const startedAt = new Date();
  const input = boundJson(args.input);
  const attemptFields = { attempts: args.attempt, input, startedAt };
  const publish = nodePublisher(ref.env, ref.executionId);
  // The "running" record and publish overlap the node's work instead of preceding it (one round trip
  // per step instead of two). Neither can undo the attempt's end: the D1 write skips a row that is
  // already final (the final write carries the same attempt fields), and both publishes go through one
  // room stub, which delivers them in order. Everything is awaited before the attempt returns or throws.
  const started = settled(
    Promise.all([
      writeStepRecord(ref, node, { status: "running", ...attemptFields }, { unlessFinal: true }),
      publish(liveNode(node, "running", args.attempt, { startedAt })),
      args.resumed ? resumeExecution(ref) : undefined,
    ]),
  );
  // Values of the node's credential: masked out of everything this attempt records, returns or throws.
  let secretValues: readonly string[] = [];
  try {
    const nodeType = requireNodeType(node);
    // The trigger's own payload is only read here, inside its step, so it never rides in `run()` state.
    const trigger = args.isTrigger
      ? ((await findExecution(getDb(ref.env.DB), ref.executionId))?.triggerData ?? null)
      : args.scope.trigger;
    const params = await resolveNodeParameters(nodeType, node, { ...args.scope, trigger });
    const outboundFetch = createOutboundFetch(ref.env);
    const credential = await credentialForStep(ref, node, nodeType, outboundFetch);
    secretValues = credential?.secretValues ?? [];
    const result = await nodeType.run({
      params,
      input: args.input,
      node: { id: node.id, name: node.name, type: node.type },
      execution: { id: ref.executionId, workflowId: ref.workflowId },
      trigger,
      credential: credential && { type: credential.type, data: credential.data },
      fetch: outboundFetch,
      connect: createOutboundConnect(ref.env),
      event: args.event,
      nodes: args.scope.nodes,
      item: args.scope.item,
    });
    // The output is recorded and becomes the step's result (persisted by Workflows): never with a secret.
    const output = maskedOutput(result.output, secretValues);
    const finishedAt = new Date();
    const [startError] = await Promise.all([
      started,
      writeStepRecord(ref, node, {
        status: "success",
        ...attemptFields,
        output,
        error: null,
        logs: result.logs ?? null,
        finishedAt,
      }),
      publish(liveNode(node, "success", args.attempt, { startedAt, finishedAt })),
    ]);
    if (startError) throw startError;
    return { output, branch: result.branch ?? "main" };
  } catch (err) {
    // The attempt failed; the step may still retry. Record why, so the record and the editor show it now.
    maskErrorInPlace(err, secretValues);
    const error = { message: errorMessage(err) };
    const logs = logsOf(err) ?? null;
    // Rare path: let the "running" write land first, then record the error over it.
    await started;
    await Promise.all([
      writeStepRecord(ref, node, { status: "running", ...attemptFields, error, logs }, { unlessFinal: true }),
      publish(liveNode(node, "running", args.attempt, { startedAt, error })),
    ]);
    throw err;
  }
}

/**
 * The body of step `node:<id>:pause`: evaluates the node's parameters, asks it what to wait for, and
 * marks the node and the execution `waiting`. Its result is recorded, so a sleep computed from "now"
 * keeps the same end on every replay.
 */
export async function prepareNodePause(
  ref: RunRef,
  node: SnapshotNode,
  scope: ExpressionScope,
): Promise<RecordedPause> {
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
  await Promise.all([
    writeStepRecord(ref, node, { status: "waiting", input: boundJson(scope.json), startedAt }),
    publishNode(ref.env, ref.executionId, liveNode(node, "waiting", 0, { startedAt })),
    markExecutionWaiting(getDb(ref.env.DB), ref.executionId).then((row) => publishExecutionRow(ref.env, row)),
  ]);
  return recorded;
}

/**
 * The body of step `node:<id>:failed`: the node failed for good (retries spent, or a pause timed out).
 * `output` is what it hands on under `onError` `continue` / `errorOutput` (null when the run stops).
 */
export async function recordNodeFailure(ref: RunRef, node: SnapshotNode, message: string, output: unknown) {
  const finishedAt = new Date();
  const previous = await readStepRecord(ref, node);
  const error = { message };
  const failed = { status: "error" as const, error, finishedAt };
  await Promise.all([
    // With onError "continue"/"errorOutput" the node's output carries the error to its successors; past
    // the storage budget the failure is still recorded, without it.
    writeStepRecord(ref, node, { ...failed, output }).catch((err: unknown) => {
      if (!isStorageBudgetMessage(errorMessage(err))) throw err;
      return writeStepRecord(ref, node, { ...failed, output: null });
    }),
    publishNode(
      ref.env,
      ref.executionId,
      liveNode(node, "error", previous?.attempts ?? 0, {
        startedAt: previous?.startedAt ?? null,
        finishedAt,
        error,
      }),
    ),
  ]);
}

/** The body of a skipped node's step `node:<id>`: it sits on a branch that was not taken. */
export async function recordNodeSkipped(ref: RunRef, node: SnapshotNode) {
  const finishedAt = new Date();
  await Promise.all([
    writeStepRecord(ref, node, { status: "skipped", finishedAt }),
    publishNode(ref.env, ref.executionId, liveNode(node, "skipped", 0, { finishedAt })),
  ]);
  return { skipped: true };
}

/** The body of a reused node's step (retry `fromFailed`): the output recorded before the run started. */
export async function loadReusedOutput(ref: RunRef, node: SnapshotNode): Promise<NodeStepResult> {
  const row = await readStepRecord(ref, node);
  if (!row || row.status !== "success")
    throw new Error(`No reusable output recorded for node "${node.name}"`);
  await publishNode(
    ref.env,
    ref.executionId,
    liveNode(node, "success", row.attempts, { startedAt: row.startedAt, finishedAt: row.finishedAt }),
  );
  return { output: row.output ?? null, branch: "main" };
}

async function resumeExecution(ref: RunRef) {
  const row = await markExecutionRunning(getDb(ref.env.DB), ref.executionId, new Date());
  await publishExecutionRow(ref.env, row);
}

/** Resolves to the promise's error (or null), so it can wait, unobserved, while other work runs. */
function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (err: unknown) => err ?? new Error("Recording the attempt's start failed"),
  );
}
