/**
 * The work inside a node's durable steps: record the attempt, evaluate expressions, validate parameters,
 * call the node type's `run`, bound and record the result, publish live status. Everything here runs
 * inside `step.do`, so its side effects happen once per attempt, never on a replay.
 */
import type { WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import {
  isPermanentCredentialError,
  loadCredentialForStep,
  maskSecrets,
  type StepCredential,
} from "../credentials/for-step";
import { getNodeType } from "../nodes/registry";
import type { NodePause, NodeType } from "../nodes/node-type";
import { nodePublisher, publishExecution, publishNode } from "../realtime/publish";
import type { LiveNodeState, StepStatus } from "../realtime/events";
import { getDb } from "../storage/db";
import {
  findExecution,
  findStep,
  type ExecutionRow,
  markExecutionRunning,
  markExecutionWaiting,
  upsertStep,
} from "../storage/executions";
import type { NodeRetryPolicy } from "../storage/schema";
import { boundJson } from "./bounded-json";
import { toLiveExecution } from "./live-state";
import { ExpressionError, resolveParameters, type ExpressionScope } from "./expressions";
import { createOutboundFetch } from "./outbound-fetch";
import type { SnapshotNode } from "./snapshot";

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

export const DEFAULT_RETRY: NodeRetryPolicy = { maxAttempts: 3, backoff: "exponential", delayMs: 1000 };
/** Generous: AI calls can take minutes. httpRequest bounds its own requests with `timeoutMs`. */
export const NODE_STEP_TIMEOUT = "10 minutes";

/** The `step.do` config of a node: its retry policy (or the default) and the step timeout. */
export function nodeStepConfig(node: SnapshotNode): WorkflowStepConfig {
  const retry = node.retry ?? DEFAULT_RETRY;
  return {
    retries: { limit: Math.max(0, retry.maxAttempts - 1), delay: retry.delayMs, backoff: retry.backoff },
    timeout: NODE_STEP_TIMEOUT,
  };
}

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
  const db = getDb(ref.env.DB);
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
      upsertStep(db, keyOf(ref, node), { status: "running", ...attemptFields }, { unlessFinal: true }),
      publish(live(node, "running", args.attempt, { startedAt })),
      args.resumed ? resumeExecution(ref) : undefined,
    ]),
  );
  // Values of the node's credential: masked out of everything this attempt records, returns or throws.
  let secretValues: readonly string[] = [];
  try {
    const nodeType = requireNodeType(node);
    // The trigger's own payload is only read here, inside its step, so it never rides in `run()` state.
    const trigger = args.isTrigger
      ? ((await findExecution(db, ref.executionId))?.triggerData ?? null)
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
      event: args.event,
    });
    // The output is recorded and becomes the step's result (persisted by Workflows): never with a secret.
    const output = boundJson(maskSecrets(result.output, secretValues));
    const finishedAt = new Date();
    const [startError] = await Promise.all([
      started,
      upsertStep(db, keyOf(ref, node), {
        status: "success",
        ...attemptFields,
        output,
        error: null,
        finishedAt,
      }),
      publish(live(node, "success", args.attempt, { startedAt, finishedAt })),
    ]);
    if (startError) throw startError;
    return { output, branch: result.branch ?? "main" };
  } catch (err) {
    // The attempt failed; the step may still retry. Record why, so the record and the editor show it now.
    maskErrorInPlace(err, secretValues);
    const error = { message: errorMessage(err) };
    // Rare path: let the "running" write land first, then record the error over it.
    await started;
    await Promise.all([
      upsertStep(db, keyOf(ref, node), { status: "running", ...attemptFields, error }, { unlessFinal: true }),
      publish(live(node, "running", args.attempt, { startedAt, error })),
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
  const db = getDb(ref.env.DB);
  const startedAt = new Date();
  await Promise.all([
    upsertStep(db, keyOf(ref, node), { status: "waiting", input: boundJson(scope.json), startedAt }),
    publishNode(ref.env, ref.executionId, live(node, "waiting", 0, { startedAt })),
    markExecutionWaiting(db, ref.executionId).then((row) => (row ? publishRow(ref.env, row) : undefined)),
  ]);
  return pause.kind === "sleep"
    ? { kind: "sleep", untilMs: pause.until.getTime() }
    : { kind: "event", event: pause.event, timeoutMs: pause.timeoutMs };
}

/**
 * The body of step `node:<id>:failed`: the node failed for good (retries spent, or a pause timed out).
 * `output` is what it hands on under `onError` `continue` / `errorOutput` (null when the run stops).
 */
export async function recordNodeFailure(ref: RunRef, node: SnapshotNode, message: string, output: unknown) {
  const db = getDb(ref.env.DB);
  const finishedAt = new Date();
  const previous = await findStep(db, ref.executionId, node.id);
  const error = { message };
  await Promise.all([
    upsertStep(db, keyOf(ref, node), {
      status: "error",
      error,
      finishedAt,
      // With onError "continue"/"errorOutput" the node's output carries the error to its successors.
      output,
    }),
    publishNode(
      ref.env,
      ref.executionId,
      live(node, "error", previous?.attempts ?? 0, {
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
    upsertStep(getDb(ref.env.DB), keyOf(ref, node), { status: "skipped", finishedAt }),
    publishNode(ref.env, ref.executionId, live(node, "skipped", 0, { finishedAt })),
  ]);
  return { skipped: true };
}

/** The body of a reused node's step (retry `fromFailed`): the output recorded before the run started. */
export async function loadReusedOutput(ref: RunRef, node: SnapshotNode): Promise<NodeStepResult> {
  const row = await findStep(getDb(ref.env.DB), ref.executionId, node.id);
  if (!row || row.status !== "success")
    throw new Error(`No reusable output recorded for node "${node.name}"`);
  await publishNode(
    ref.env,
    ref.executionId,
    live(node, "success", row.attempts, { startedAt: row.startedAt, finishedAt: row.finishedAt }),
  );
  return { output: row.output ?? null, branch: "main" };
}

async function resolveNodeParameters(nodeType: NodeType, node: SnapshotNode, scope: ExpressionScope) {
  let resolved: unknown;
  try {
    resolved = await resolveParameters(node.parameters ?? {}, scope, node.name);
  } catch (err) {
    // Evaluating the same expression on the same data fails the same way: retrying cannot help.
    if (err instanceof ExpressionError) throw new NonRetryableError(err.message);
    throw err;
  }
  const parsed = nodeType.parameters.safeParse(resolved);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new NonRetryableError(`Invalid parameters for node "${node.name}": ${issues}`);
  }
  return parsed.data;
}

/**
 * CREDENTIALS CALL SITE: the one place a node's credential is loaded and decrypted, inside its step. The
 * decrypted data goes to the node as `ctx.credential` and nowhere else; `secretValues` are masked out of
 * what the attempt records. Problems that a retry cannot fix (missing, another user's, wrong type, cannot
 * be decrypted, not connected) fail the node at once with a message naming it.
 */
async function credentialForStep(
  ref: RunRef,
  node: SnapshotNode,
  nodeType: NodeType,
  outboundFetch: typeof fetch,
): Promise<StepCredential | undefined> {
  if (!node.credentialId) {
    if (nodeType.credential?.required) {
      throw new NonRetryableError(
        `Node "${node.name}" needs a credential (${nodeType.credential.types.join(" or ")})`,
      );
    }
    return undefined;
  }
  if (!nodeType.credential) {
    throw new NonRetryableError(`Node "${node.name}": a ${node.type} node takes no credential`);
  }
  try {
    return await loadCredentialForStep(ref.env, {
      userId: ref.userId,
      credentialId: node.credentialId,
      acceptedTypes: nodeType.credential.types,
      fetch: outboundFetch,
    });
  } catch (err) {
    if (isPermanentCredentialError(err))
      throw new NonRetryableError(`Node "${node.name}": ${(err as Error).message}`);
    throw err;
  }
}

/** Rewrites an error's message (and stack) without the secrets, keeping its class (e.g. NonRetryableError). */
function maskErrorInPlace(err: unknown, secretValues: readonly string[]) {
  if (secretValues.length === 0 || !(err instanceof Error)) return;
  err.message = maskSecrets(err.message, secretValues);
  if (err.stack) err.stack = maskSecrets(err.stack, secretValues);
}

function requireNodeType(node: SnapshotNode): NodeType {
  const nodeType = getNodeType(node.type);
  if (!nodeType) throw new NonRetryableError(`Node "${node.name}" has an unknown type '${node.type}'`);
  return nodeType;
}

async function resumeExecution(ref: RunRef) {
  const row = await markExecutionRunning(getDb(ref.env.DB), ref.executionId, new Date());
  if (row) await publishRow(ref.env, row);
}

/**
 * Publishes the execution as the write that changed it returned it (the row is the truth the live view
 * mirrors). A later change (e.g. a cancel) publishes itself, and the room never moves backwards.
 */
export async function publishRow(env: Env, row: ExecutionRow) {
  await publishExecution(env, toLiveExecution(row));
}

function keyOf(ref: RunRef, node: SnapshotNode) {
  return { executionId: ref.executionId, nodeId: node.id, nodeName: node.name };
}

function live(
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

/** Resolves to the promise's error (or null), so it can wait, unobserved, while other work runs. */
function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (err: unknown) => err ?? new Error("Recording the attempt's start failed"),
  );
}

export function errorMessage(err: unknown): string {
  // Workflows prefixes the message of a NonRetryableError that crossed a step boundary; people need only the reason.
  if (err instanceof Error) return (err.message || err.name).replace(/^NonRetryableError:?\s*/, "");
  return typeof err === "string" ? err : JSON.stringify(err);
}
