/**
 * A `forEach` node as durable steps (see docs/engine.md, "Loops"):
 *
 *   node:<id>[@path]            start: evaluate `items`, write one pending `loop_item` row per element
 *   node:<id>[@path]:batch:<k>  (body without waits) run elements [kB, (k+1)B) inline, record each one
 *   node:<b>@<path>…            (body with waits) every body node of every element is its own step
 *   loop:<id>@<path>            (body with waits) record that element's outcome
 *   node:<id>[@path]:done       read every element's outcome, build `{ results, count, failed }`
 *
 * Results live in D1 (`loop_item`), never in step results, which stay small whatever the list.
 */
import { NonRetryableError } from "cloudflare:workflows";
import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import { getNodeType } from "../nodes/registry";
import { startSubWorkflow } from "./sub-workflow";
import { publishNode } from "../realtime/publish";
import { getDb } from "../storage/db";
import { markExecutionRunning, markExecutionWaiting } from "../storage/executions";
import {
  insertLoopItems,
  listUnfinishedItems,
  recordElements,
  upsertItemStep,
  type LoopKey,
} from "../storage/loops";
import { boundJson } from "./bounded-json";
import type { ExpressionScope } from "./expressions";
import { liveNode, publishExecutionRow } from "./live-state";
import {
  elementPath,
  runElement,
  type BodyExecutor,
  type ElementRef,
  type LoopRuntime,
  type OuterScope,
} from "./loop-body";
import { ProgressThrottle, publishProgress } from "./loop-progress";
import { doneOutput, hydrateScope } from "./loop-results";
import { bodyIsRepeatSafe, executeNode, pool, resolveLoop, runBatch, type LoopSettings } from "./loop-inline";
import { requireNodeType } from "./node-errors";
import { resolveNodeParameters } from "./node-parameters";
import type { NodeStepResult, RecordedPause } from "./run-ref";
import type { SnapshotNode } from "./snapshot";
import { nodeStepConfig } from "./step-config";
import { writeStepRecord } from "./step-records";
import { yieldToRuntime } from "./yield-runtime";
import { isStorageBudgetMessage, withinBudget } from "./storage-budget";

/** Batch steps per loop, at most: a 100,000-element loop takes 500 elements a step. */
export const MAX_BATCHES_PER_LOOP = 200;
/** Elements per batch step, at least: a step costs tens of ms locally, so elements share one. A body
 * that only computes is recorded once per batch, so its batches are larger. */
const MIN_BATCH_SIZE = 10;
const MIN_REPEAT_SAFE_BATCH_SIZE = 50;
/** Steps a body with waits may take in one run (Workflows allows 10,000 per instance by default). */
export const MAX_STEPPED_STEPS = 8_000;
const BATCH_STEP: WorkflowStepConfig = {
  retries: { limit: 3, delay: 1000, backoff: "exponential" },
  timeout: "30 minutes",
};
const RECORD_STEP: WorkflowStepConfig = { retries: { limit: 3, delay: 500, backoff: "exponential" } };

const progressThrottle = new ProgressThrottle();

/** `step.do` for JSON results (see run-workflow.ts). */
function durable<T>(step: WorkflowStep, name: string, config: WorkflowStepConfig, body: () => Promise<T>) {
  return step.do(name, config, body as () => Promise<any>) as Promise<T>;
}

/** How a loop's elements are spread over steps. */
export function batchSize(count: number, concurrency: number, repeatSafe: boolean): number {
  const least = repeatSafe ? MIN_REPEAT_SAFE_BATCH_SIZE : MIN_BATCH_SIZE;
  return Math.max(concurrency, least, Math.ceil(count / MAX_BATCHES_PER_LOOP));
}

interface LoopStart extends LoopSettings {
  /** Set when the body waits: the elements still to run, with their values (bounded by the step budget). */
  stepped: { index: number; value: unknown }[] | null;
}

/**
 * Runs the loop node `node` with its input and scope, in a step context (`run()` of the workflow, or an
 * element of a waiting body). Throws when an element failed under `stop`.
 */
export async function runLoop(
  rt: LoopRuntime,
  step: WorkflowStep,
  node: SnapshotNode,
  input: unknown,
  scope: ExpressionScope,
  parentPath: string,
): Promise<NodeStepResult> {
  const name = `node:${node.id}${parentPath === "" ? "" : `@${parentPath}`}`;
  const key: LoopKey = { executionId: rt.ref.executionId, loopNodeId: node.id, parentPath };
  const outer: OuterScope = { nodes: scope.nodes, trigger: scope.trigger };
  const start = await durable<LoopStart>(step, name, RECORD_STEP, () =>
    startLoop(rt, key, node, input, scope),
  );
  let firstError: { index: number; message: string } | null = null;
  if (start.stepped === null) {
    const size = batchSize(start.count, start.concurrency, bodyIsRepeatSafe(rt, node.id));
    for (let k = 0; k * size < start.count; k++) {
      // Between batch steps the runtime may serve other requests (yield-runtime.ts).
      await yieldToRuntime();
      const range = { from: k * size, to: Math.min(start.count, (k + 1) * size) };
      const summary = await durable(step, `${name}:batch:${k}`, BATCH_STEP, async () => {
        const result = await runBatch(rt, key, range, start, outer);
        if (progressThrottle.due(`${rt.ref.executionId}/${node.id}`)) await publishProgress(rt, node.id);
        return result;
      });
      firstError ??= summary.firstError;
      if (firstError && start.onItemError === "stop") break;
    }
  } else {
    await pool(start.stepped, start.concurrency, async (element) => {
      if (firstError && start.onItemError === "stop") return;
      const at: ElementRef = { loopId: node.id, parentPath, index: element.index };
      const item = { value: element.value, index: element.index, count: start.count };
      const outcome = await runElement(rt, at, item, outer, new SteppedExecutor(rt, step, at));
      await durable(step, `loop:${node.id}@${elementPath(at)}`, RECORD_STEP, async () => {
        await recordLoopElements(rt, node, key, [
          {
            itemIndex: element.index,
            status: outcome.status,
            result: outcome.status === "success" ? boundJson(outcome.result) : null,
            error: outcome.status === "error" ? outcome.error : null,
            steps: [],
          },
        ]);
        await publishProgress(rt, node.id);
        return null;
      });
      if (outcome.status === "error") firstError ??= { index: element.index, message: outcome.error.message };
    });
  }
  // Past the storage budget nothing more may be stored: the loop fails whatever `onItemError` says.
  if (firstError && (start.onItemError === "stop" || isStorageBudgetMessage(firstError.message))) {
    throw new NonRetryableError(`element ${firstError.index} failed: ${firstError.message}`);
  }
  const output = await durable(step, `${name}:done`, RECORD_STEP, async () => {
    // Over a step result's size, a reference that the consumer's step reads back (loop-results.ts).
    const done = await doneOutput(rt.ref.env, key, node.name);
    progressThrottle.forget(`${rt.ref.executionId}/${node.id}`);
    if (parentPath === "") {
      const finishedAt = new Date();
      await Promise.all([
        publishProgress(rt, node.id, true),
        writeStepRecord(rt.ref, node, {
          status: "success",
          attempts: 1,
          output: done,
          error: null,
          finishedAt,
        }),
        publishNode(rt.ref.env, rt.ref.executionId, liveNode(node, "success", 1, { finishedAt })),
      ]);
    }
    return done;
  });
  return { output, branch: "done" };
}

/** Writes elements' outcomes (and their body records); a budget refusal fails the loop node. */
function recordLoopElements(
  rt: LoopRuntime,
  node: SnapshotNode,
  key: LoopKey,
  elements: Parameters<typeof recordElements>[2],
) {
  return withinBudget(rt.ref, node.name, recordElements(getDb(rt.ref.env.DB), key, elements));
}

/** The start step: the list, checked and written to D1; the loop node's record says it is running. */
async function startLoop(
  rt: LoopRuntime,
  key: LoopKey,
  node: SnapshotNode,
  input: unknown,
  scope: ExpressionScope,
): Promise<LoopStart> {
  const startedAt = new Date();
  if (key.parentPath === "") {
    await Promise.all([
      writeStepRecord(rt.ref, node, { status: "running", attempts: 1, input: boundJson(input), startedAt }),
      publishNode(rt.ref.env, rt.ref.executionId, liveNode(node, "running", 1, { startedAt })),
    ]);
  }
  const { items, concurrency, onItemError } = await resolveLoop(
    node,
    (await hydrateScope(rt.ref, input, scope)).scope,
  );
  const db = getDb(rt.ref.env.DB);
  await withinBudget(rt.ref, node.name, insertLoopItems(db, key, items));
  const settings = { count: items.length, concurrency, onItemError };
  if (!bodyWaits(rt, node.id)) return { ...settings, stepped: null };
  const perElement = stepsPerElement(rt, node.id);
  if (items.length * perElement > MAX_STEPPED_STEPS) {
    throw new NonRetryableError(
      `Node "${node.name}": ${items.length} elements × ${perElement} steps each is more than the ${MAX_STEPPED_STEPS} steps one run may take; a body with wait nodes takes its own steps per element (see docs/nodes.md, forEach)`,
    );
  }
  const unfinished = await listUnfinishedItems(db, key, 0, items.length);
  const stepped = unfinished.map((e) => ({ index: e.itemIndex, value: e.value }));
  if (JSON.stringify(stepped).length > 900 * 1024) {
    throw new NonRetryableError(
      `Node "${node.name}": the elements of a loop whose body waits pass through one step result and must stay under 900 KB`,
    );
  }
  return { ...settings, stepped };
}

/** True when a node of the body (at any depth) pauses (`wait`, `waitForEvent`). */
export function bodyWaits(rt: LoopRuntime, loopId: string): boolean {
  return rt.graph.body(loopId).some((id) => getNodeType(rt.nodes.get(id)!.type)?.pause);
}

/** Steps one element of a waiting body takes: one per node, two more per pause, one to record it. */
function stepsPerElement(rt: LoopRuntime, loopId: string): number {
  let steps = 1;
  for (const id of rt.graph.directBody(loopId)) {
    const type = getNodeType(rt.nodes.get(id)!.type);
    steps += 1 + (type?.pause ? 2 : 0) + (rt.graph.isLoop(id) ? 2 : 0);
  }
  return steps;
}

/** Runs each body node of one element as durable steps of its own: for bodies that wait. */
class SteppedExecutor implements BodyExecutor {
  private readonly suffix: string;

  constructor(
    private readonly rt: LoopRuntime,
    private readonly step: WorkflowStep,
    private readonly at: ElementRef,
  ) {
    this.suffix = `@${elementPath(at)}`;
  }

  async run(node: SnapshotNode, input: unknown, scope: ExpressionScope): Promise<NodeStepResult> {
    const name = `node:${node.id}${this.suffix}`;
    let event: unknown;
    if (getNodeType(node.type)?.pause) {
      const pause = await durable<RecordedPause>(this.step, `${name}:pause`, RECORD_STEP, () =>
        this.preparePause(node, input, scope),
      );
      if (pause.kind === "none") {
        event = pause.value;
      } else if (pause.kind === "sleep") {
        await this.step.sleepUntil(`${name}:sleep`, pause.untilMs);
      } else {
        try {
          const received = await this.step.waitForEvent(`${name}:event`, {
            type: pause.event,
            timeout: pause.timeoutMs,
          });
          event = received.payload;
        } catch {
          throw new Error(
            `Timed out after ${Math.round(pause.timeoutMs / 1000)}s waiting for event "${pause.event}"`,
          );
        }
      }
    }
    const resumed = getNodeType(node.type)?.pause !== undefined;
    return durable<NodeStepResult>(this.step, name, nodeStepConfig(node), async () => {
      const startedAt = new Date();
      if (resumed)
        await publishExecutionRow(
          this.rt.ref.env,
          await markExecutionRunning(this.db(), this.rt.ref.executionId, startedAt),
        );
      const result = await executeNode(this.rt.ref, node, input, scope, event, elementPath(this.at));
      await this.record(node, { status: "success", input, output: result.output, startedAt });
      return result;
    });
  }

  async runLoop(node: SnapshotNode, input: unknown, scope: ExpressionScope): Promise<NodeStepResult> {
    const startedAt = new Date();
    const result = await runLoop(this.rt, this.step, node, input, scope, elementPath(this.at));
    await durable(this.step, `node:${node.id}${this.suffix}:record`, RECORD_STEP, async () => {
      await this.record(node, { status: "success", input, output: result.output, startedAt });
      return null;
    });
    return result;
  }

  async skip(node: SnapshotNode): Promise<void> {
    await durable(this.step, `node:${node.id}${this.suffix}`, RECORD_STEP, async () => {
      await this.record(node, { status: "skipped", input: null, output: null, startedAt: null });
      return null;
    });
  }

  async fail(node: SnapshotNode, message: string, input: unknown, handedOn: unknown): Promise<void> {
    await durable(this.step, `node:${node.id}${this.suffix}:failed`, RECORD_STEP, async () => {
      const failed = { status: "error" as const, startedAt: null, error: { message } };
      // Past the storage budget, the failure is still recorded, without its payloads.
      await this.record(node, { ...failed, input, output: handedOn }).catch((err: unknown) => {
        if (!isStorageBudgetMessage(String((err as Error)?.message))) throw err;
        return this.record(node, { ...failed, input: null, output: null });
      });
      return null;
    });
  }

  private async preparePause(
    node: SnapshotNode,
    input: unknown,
    scope: ExpressionScope,
  ): Promise<RecordedPause> {
    const nodeType = requireNodeType(node);
    const hydrated = (await hydrateScope(this.rt.ref, input, scope)).scope;
    const params = await resolveNodeParameters(nodeType, node, hydrated);
    const pause = nodeType.pause!(params);
    // One child per element: its id is derived from the element's path too, so a replay starts it once.
    const recorded: RecordedPause =
      pause.kind === "subworkflow"
        ? await startSubWorkflow(this.rt.ref, node, hydrated.json, pause, elementPath(this.at))
        : pause.kind === "sleep"
          ? { kind: "sleep", untilMs: pause.until.getTime() }
          : { kind: "event", event: pause.event, timeoutMs: pause.timeoutMs };
    // A child not waited for hands on `{ executionId }` at once: nothing to wait for.
    if (recorded.kind === "none") return recorded;
    await Promise.all([
      this.record(node, { status: "waiting", input, output: null, startedAt: new Date() }),
      markExecutionWaiting(this.db(), this.rt.ref.executionId).then((row) =>
        publishExecutionRow(this.rt.ref.env, row),
      ),
    ]);
    return recorded;
  }

  private db() {
    return getDb(this.rt.ref.env.DB);
  }

  /** Writes the node's record for this element (a budget refusal becomes the node's error). */
  private record(node: SnapshotNode, r: Parameters<SteppedExecutor["row"]>[1]) {
    return withinBudget(this.rt.ref, node.name, upsertItemStep(this.db(), this.row(node, r)));
  }

  private row(
    node: SnapshotNode,
    r: {
      status: "success" | "error" | "skipped" | "waiting";
      input: unknown;
      output: unknown;
      startedAt: Date | null;
      error?: { message: string };
    },
  ) {
    const final = r.status !== "waiting";
    return {
      executionId: this.rt.ref.executionId,
      nodeId: node.id,
      nodeName: node.name,
      parentPath: this.at.parentPath,
      itemIndex: this.at.index,
      status: r.status,
      attempts: r.status === "skipped" ? 0 : 1,
      input: r.input === null ? null : boundJson(r.input),
      output: r.output === null ? null : boundJson(r.output),
      error: r.error ?? null,
      startedAt: r.startedAt,
      finishedAt: final ? new Date() : null,
    };
  }
}
