/**
 * Loop elements run inline, inside one durable batch step: each body node runs in-process (its retry
 * policy applied here, between attempts), and each element, once finished, is recorded in D1 in one
 * batch with its body step records. A batch step that is retried (a crash, a lost D1 write) reads which
 * elements are recorded and runs only the others: a succeeded element never runs twice.
 *
 * Used for bodies without waits (any depth): a nested loop inside such a body runs inline too.
 */
import { NonRetryableError } from "cloudflare:workflows";
import { forEach, loopItems } from "../nodes/for-each";
import { getDb } from "../storage/db";
import {
  insertLoopItems,
  listUnfinishedItems,
  recordElements,
  type ElementRecord,
  type ItemStepInsert,
  type LoopKey,
} from "../storage/loops";
import { boundJson } from "./bounded-json";
import type { ExpressionScope } from "./expressions";
import {
  elementPath,
  runElement,
  type BodyExecutor,
  type ElementOutcome,
  type ElementRef,
  type LoopRuntime,
  type OuterScope,
} from "./loop-body";
import { doneOutput, hydrateScope, MAX_LOOP_RESULTS_BYTES } from "./loop-results";
import { maskedOutput, maskErrorInPlace } from "./masking";
import { credentialForStep } from "./node-credential";
import { requireNodeType } from "./node-errors";
import { resolveNodeParameters } from "./node-parameters";
import { createOutboundConnect } from "./outbound-connect";
import { createOutboundFetch } from "./outbound-fetch";
import { NODE_STEP_TIMEOUT_MS } from "./step-config";
import { deadline } from "../net/deadline";
import type { NodeStepResult, RunRef } from "./run-ref";
import type { SnapshotNode } from "./snapshot";
import { DEFAULT_RETRY } from "./step-config";
import { withinBudget } from "./storage-budget";
import { nodeResponder } from "./webhook-answer";
import { yieldToRuntime } from "./yield-runtime";

/** Elements a batch runs between two yields to the runtime (yield-runtime.ts). */
const ELEMENTS_PER_YIELD = 10;

/** The loop's settings, from its parameters. */
export interface LoopSettings {
  count: number;
  concurrency: number;
  onItemError: "stop" | "continue";
}

/** What a batch step returns (small: the results themselves stay in D1). */
export interface BatchSummary {
  failed: number;
  firstError: { index: number; message: string; nodeId: string } | null;
}

/** The loop's parameters for this element scope, and its list checked (a NonRetryableError when bad). */
export async function resolveLoop(node: SnapshotNode, scope: ExpressionScope) {
  const params = (await resolveNodeParameters(forEach, node, scope)) as {
    items: unknown;
    concurrency: number;
    onItemError: "stop" | "continue";
  };
  try {
    return {
      items: loopItems(params.items, node.name),
      concurrency: params.concurrency,
      onItemError: params.onItemError,
    };
  } catch (err) {
    throw new NonRetryableError((err as Error).message);
  }
}

/**
 * The body of a batch step: runs the unrecorded elements with index in [from, to), `concurrency` at a
 * time. Under `stop` no element starts after one has failed.
 */
export async function runBatch(
  rt: LoopRuntime,
  key: LoopKey,
  range: { from: number; to: number },
  settings: LoopSettings,
  outer: OuterScope,
): Promise<BatchSummary> {
  const db = getDb(rt.ref.env.DB);
  const elements = await listUnfinishedItems(db, key, range.from, range.to);
  return runElementsInline(rt, key, elements, settings, outer);
}

async function runElementsInline(
  rt: LoopRuntime,
  key: LoopKey,
  elements: { itemIndex: number; value: unknown }[],
  settings: LoopSettings,
  outer: OuterScope,
): Promise<BatchSummary> {
  const db = getDb(rt.ref.env.DB);
  const summary: BatchSummary = { failed: 0, firstError: null };
  // A body that only computes may repeat an element harmlessly, so its records are written once per
  // batch; a body that calls out is recorded element by element, so a retried batch repeats no call.
  const perBatch = bodyIsRepeatSafe(rt, key.loopNodeId);
  const recorded: ElementRecord[] = [];
  let started = 0;
  await pool(elements, settings.concurrency, async (element) => {
    if (settings.onItemError === "stop" && summary.firstError) return;
    // Inside a batch too, every few elements: one batch of a computing body is seconds of ready work.
    if (++started % ELEMENTS_PER_YIELD === 0) await yieldToRuntime();
    const at: ElementRef = { loopId: key.loopNodeId, parentPath: key.parentPath, index: element.itemIndex };
    const executor = new InlineExecutor(rt, at, outer);
    const item = { value: element.value, index: element.itemIndex, count: settings.count };
    const outcome: ElementOutcome = await runElement(rt, at, item, outer, executor);
    const record: ElementRecord = {
      itemIndex: element.itemIndex,
      status: outcome.status,
      result: outcome.status === "success" ? boundJson(outcome.result) : null,
      error: outcome.status === "error" ? outcome.error : null,
      steps: executor.records,
    };
    if (perBatch) recorded.push(record);
    else await withinBudget(rt.ref, loopName(rt, key), recordElements(db, key, [record]));
    if (outcome.status === "error") {
      summary.failed++;
      summary.firstError ??= { index: element.itemIndex, ...outcome.error };
    }
  });
  await withinBudget(rt.ref, loopName(rt, key), recordElements(db, key, recorded));
  return summary;
}

function loopName(rt: LoopRuntime, key: LoopKey): string {
  return rt.nodes.get(key.loopNodeId)?.name ?? key.loopNodeId;
}

/** Node types that only compute from their input (no call out, no side effect): safe to run again. */
const REPEAT_SAFE_TYPES = new Set([
  "set",
  "if",
  "switch",
  "merge",
  "forEach",
  "code",
  "noOp",
  "stopAndError",
]);

export function bodyIsRepeatSafe(rt: LoopRuntime, loopId: string): boolean {
  return rt.graph.body(loopId).every((id) => REPEAT_SAFE_TYPES.has(rt.nodes.get(id)!.type));
}

/** Runs a body node in-process and keeps its step record for the element's one D1 write. */
class InlineExecutor implements BodyExecutor {
  readonly records: ItemStepInsert[] = [];
  private readonly path: string;

  constructor(
    private readonly rt: LoopRuntime,
    private readonly at: ElementRef,
    private readonly outer: OuterScope,
  ) {
    this.path = elementPath(at);
  }

  async run(node: SnapshotNode, input: unknown, scope: ExpressionScope): Promise<NodeStepResult> {
    const startedAt = new Date();
    const retry = node.retry ?? DEFAULT_RETRY;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await executeNode(this.rt.ref, node, input, scope, undefined, this.path);
        this.record(node, { status: "success", attempts: attempt, input, output: result.output, startedAt });
        return result;
      } catch (err) {
        const last = attempt >= retry.maxAttempts || err instanceof NonRetryableError;
        if (last) {
          this.pending.set(node.id, { attempts: attempt, startedAt });
          throw err;
        }
        const factor = retry.backoff === "exponential" ? 2 ** (attempt - 1) : 1;
        await new Promise((resolve) => setTimeout(resolve, retry.delayMs * factor));
      }
    }
  }

  private readonly pending = new Map<string, { attempts: number; startedAt: Date }>();

  async runLoop(node: SnapshotNode, input: unknown, scope: ExpressionScope): Promise<NodeStepResult> {
    const startedAt = new Date();
    this.pending.set(node.id, { attempts: 1, startedAt });
    const { items, concurrency, onItemError } = await resolveLoop(node, scope);
    const key: LoopKey = { executionId: this.rt.ref.executionId, loopNodeId: node.id, parentPath: this.path };
    const db = getDb(this.rt.ref.env.DB);
    await withinBudget(this.rt.ref, node.name, insertLoopItems(db, key, items));
    const settings = { count: items.length, concurrency, onItemError };
    const elements = await listUnfinishedItems(db, key, 0, items.length);
    // The nested body sees this element's outputs as finished nodes.
    const nested: OuterScope = { nodes: scope.nodes, trigger: this.outer.trigger };
    const summary = await runElementsInline(this.rt, key, elements, settings, nested);
    if (onItemError === "stop" && summary.firstError) {
      throw new NonRetryableError(
        `element ${summary.firstError.index} failed: ${summary.firstError.message}`,
      );
    }
    // In memory the whole output is handed on (up to the loops' maximum); its record is bounded.
    const output = await doneOutput(this.rt.ref.env, key, node.name, MAX_LOOP_RESULTS_BYTES);
    this.record(node, { status: "success", attempts: 1, input, output: boundJson(output), startedAt });
    return { output, branch: "done" };
  }

  async skip(node: SnapshotNode): Promise<void> {
    this.record(node, { status: "skipped", attempts: 0, input: null, output: null, startedAt: null });
  }

  async fail(node: SnapshotNode, message: string, input: unknown, handedOn: unknown): Promise<void> {
    const { attempts, startedAt } = this.pending.get(node.id) ?? { attempts: 1, startedAt: new Date() };
    this.record(node, { status: "error", attempts, input, output: handedOn, startedAt, error: { message } });
  }

  private record(
    node: SnapshotNode,
    r: {
      status: ItemStepInsert["status"];
      attempts: number;
      input: unknown;
      output: unknown;
      startedAt: Date | null;
      error?: { message: string };
    },
  ) {
    this.records.push({
      executionId: this.rt.ref.executionId,
      nodeId: node.id,
      nodeName: node.name,
      parentPath: this.at.parentPath,
      itemIndex: this.at.index,
      status: r.status,
      attempts: r.attempts,
      input: r.input === null ? null : boundJson(r.input),
      output: r.output ?? null,
      error: r.error ?? null,
      startedAt: r.startedAt,
      finishedAt: new Date(),
    });
  }
}

/**
 * One in-process run of a node: parameters, credential (decrypted here, masked out of what is
 * returned or thrown), the node type's `run`, a bounded output.
 */
export async function executeNode(
  ref: RunRef,
  node: SnapshotNode,
  input: unknown,
  scope: ExpressionScope,
  event?: unknown,
  /** The element's path (loop-body.ts `elementPath`): a respondToWebhook node's run is keyed by it. */
  elementPath?: string,
): Promise<NodeStepResult> {
  let secretValues: readonly string[] = [];
  // Aborts a call that outlives the step; cleared when the node ends (net/deadline.ts says why).
  const timeout = deadline(NODE_STEP_TIMEOUT_MS, "The node's step timed out");
  try {
    ({ input, scope } = await hydrateScope(ref, input, scope));
    const nodeType = requireNodeType(node);
    const params = await resolveNodeParameters(nodeType, node, scope);
    const outboundFetch = createOutboundFetch(ref.env);
    const credential = await credentialForStep(ref, node, nodeType, outboundFetch);
    secretValues = credential?.secretValues ?? [];
    const result = await nodeType.run({
      params,
      input,
      node: { id: node.id, name: node.name, type: node.type },
      execution: { id: ref.executionId, workflowId: ref.workflowId },
      trigger: scope.trigger,
      credential: credential && { type: credential.type, data: credential.data },
      fetch: outboundFetch,
      // TCP nodes (email, postgres) and the abort of a call that outlives the step, as in node-steps.ts.
      connect: createOutboundConnect(ref.env),
      signal: timeout.signal,
      event,
      // A code node in the body sees `$node(...)` and `$item` like an expression does.
      nodes: scope.nodes,
      item: scope.item,
      respond: nodeResponder(ref.respond, node, elementPath),
    });
    return { output: maskedOutput(result.output, secretValues), branch: result.branch ?? "main" };
  } catch (err) {
    maskErrorInPlace(err, secretValues);
    throw err;
  } finally {
    timeout.clear();
  }
}

/** Runs `task` over `items`, at most `limit` at once, in order of start. */
export async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
