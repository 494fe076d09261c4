/**
 * RunWorkflow: the durable execution of one workflow run (a Cloudflare Workflow instance whose id is the
 * execution id). Steps, all with deterministic names because Workflows replays `run()`:
 *
 *   execution:start         load the pinned version snapshot, mark the execution running
 *   node:<id>:pause         (wait-like nodes) compute what to wait for, mark waiting
 *   node:<id>:sleep|event   step.sleepUntil / step.waitForEvent
 *   node:<id>               the node itself, with its own retry policy; also records skipped nodes
 *   node:<id>:failed        the node failed for good (retries spent or a pause timed out)
 *   execution:finish        success or error, in D1 and live
 *
 * Code outside steps only computes (the plan, inputs, scopes) from step results, so a replay makes the
 * same decisions and repeats no side effect.
 */
import {
  WorkflowEntrypoint,
  type WorkflowEvent,
  type WorkflowStep,
  type WorkflowStepConfig,
  type WorkflowStepContext,
} from "cloudflare:workers";
import { getNodeType } from "../nodes/registry";
import { getDb } from "../storage/db";
import { isFinishedExecution } from "../storage/statuses";
import {
  findExecution,
  findWorkflowVersionDocument,
  finishExecution,
  listSteps,
  markExecutionRunning,
} from "../storage/executions";
import type { ExpressionScope } from "./expressions";
import { publishExecutionRow } from "./live-state";
import { errorMessage } from "./node-errors";
import {
  loadReusedOutput,
  prepareNodePause,
  recordNodeFailure,
  recordNodeSkipped,
  runNodeAttempt,
} from "./node-steps";
import type { NodeStepResult, RecordedPause, RunRef } from "./run-ref";
import { nodeStepConfig } from "./step-config";
import type { NodeOutcome, RunPlan } from "./run-plan";
import { runEndSteps } from "./run-end";
import { loopGraphOf } from "./loop-progress";
import type { LoopRuntime } from "./loop-body";
import { runLoop } from "./loop-run";
import { failureResult } from "./failure-result";
import { parseSnapshot, type SnapshotEdge, type SnapshotNode } from "./snapshot";

/**
 * `step.do` for results typed as JSON data: the values are plain JSON (outputs pass through `boundJson`),
 * which Workflows can serialize, but `unknown` fields do not satisfy `Rpc.Serializable` statically.
 */
function durableStep<T>(
  step: WorkflowStep,
  name: string,
  configOrBody: WorkflowStepConfig | ((ctx: WorkflowStepContext) => Promise<T>),
  body?: (ctx: WorkflowStepContext) => Promise<T>,
): Promise<T> {
  const run = (body ?? configOrBody) as (ctx: WorkflowStepContext) => Promise<any>;
  const config = (body ? configOrBody : {}) as WorkflowStepConfig;
  return step.do(name, config, run) as Promise<T>;
}

export interface RunParams {
  executionId: string;
}

/** The type whose input is `{ [nodeName]: output }` of every incoming branch that ran. */
const MERGE_NODE_TYPE = "merge";

/** What `execution:start` records: everything the run needs, small enough for a step result. */
interface LoadedRun {
  executionId: string;
  workflowId: string;
  userId: string;
  triggerNodeId: string;
  nodes: SnapshotNode[];
  edges: SnapshotEdge[];
  /** Nodes whose outputs were recorded before the run (retry `fromFailed`). */
  reusedNodeIds: string[];
  /** Set when the execution had already ended (e.g. canceled while queued): nothing to run. */
  alreadyFinished: boolean;
}

interface RunFailure {
  nodeId?: string;
  message: string;
}

export class RunWorkflow extends WorkflowEntrypoint<Env, RunParams> {
  override async run(event: WorkflowEvent<RunParams>, step: WorkflowStep): Promise<unknown> {
    const { executionId } = event.payload;
    const env = this.env;
    let loaded: LoadedRun | undefined;
    let finished = false;
    try {
      loaded = await durableStep(
        step,
        "execution:start",
        { retries: { limit: 3, delay: 500, backoff: "exponential" } },
        () => loadRun(env, executionId),
      );
      if (loaded.alreadyFinished) return { status: "skipped" };
      const failure = await new GraphRun(env, step, loaded).run();
      await durableStep(step, "execution:finish", () => finishRun(env, loaded!, failure));
      finished = true;
      await runEndSteps(env, step, executionId, failure !== null);
      // The instance must end errored when the execution did, so D1 and Workflows tell the same story.
      if (failure)
        throw new Error(failure.nodeId ? `Node ${failure.nodeId}: ${failure.message}` : failure.message);
      return { status: "success" };
    } catch (err) {
      if (!finished) {
        const failure = { message: `Engine error: ${errorMessage(err)}` };
        await durableStep(step, "execution:finish", () =>
          finishRun(env, loaded ?? ({ executionId, workflowId: "" } as LoadedRun), failure),
        );
        await runEndSteps(env, step, executionId, true);
      }
      throw err;
    }
  }
}

async function loadRun(env: Env, executionId: string): Promise<LoadedRun> {
  const db = getDb(env.DB);
  const row = await findExecution(db, executionId);
  if (!row) throw new Error(`Execution ${executionId} has no record`);
  const base = {
    executionId,
    workflowId: row.workflowId,
    userId: row.userId,
    triggerNodeId: row.triggerNodeId ?? "",
  };
  if (isFinishedExecution(row.status)) {
    return { ...base, nodes: [], edges: [], reusedNodeIds: [], alreadyFinished: true };
  }
  const [document, recordedSteps] = await Promise.all([
    findWorkflowVersionDocument(db, row.workflowId, row.version),
    listSteps(db, executionId),
  ]);
  if (document === null) throw new Error(`Version ${row.version} of workflow ${row.workflowId} is missing`);
  const snapshot = parseSnapshot(document);
  if (!row.triggerNodeId) throw new Error("The execution names no trigger node");
  // Rows present before the first node ran can only be outputs recorded for reuse by a retry.
  const reusedNodeIds = recordedSteps.filter((s) => s.status === "success").map((s) => s.nodeId);
  await publishExecutionRow(env, await markExecutionRunning(db, executionId, new Date()));
  return { ...base, nodes: snapshot.nodes, edges: snapshot.edges, reusedNodeIds, alreadyFinished: false };
}

async function finishRun(
  env: Env,
  run: Pick<LoadedRun, "executionId" | "workflowId">,
  failure: RunFailure | null,
) {
  const db = getDb(env.DB);
  const row = await finishExecution(db, run.executionId, failure ? "error" : "success", failure, new Date());
  await publishExecutionRow(env, row);
}

/** Walks the graph: starts every node as soon as its inputs are settled, independent branches at once. */
class GraphRun {
  private readonly plan: RunPlan;
  private readonly loops: LoopRuntime;
  private readonly ref: RunRef;
  private readonly nodes: Map<string, SnapshotNode>;
  private readonly outcomes = new Map<string, NodeOutcome>();
  private readonly outputs = new Map<string, unknown>();
  private readonly started = new Set<string>();
  private failure: RunFailure | null = null;

  constructor(
    env: Env,
    private readonly step: WorkflowStep,
    private readonly loaded: LoadedRun,
  ) {
    // Loop bodies run per element inside their loop node (loop-run.ts); this plan is the rest.
    const graph = loopGraphOf(loaded.nodes, loaded.edges);
    this.plan = graph.topLevelPlan(loaded.triggerNodeId);
    this.nodes = new Map(loaded.nodes.map((n) => [n.id, n]));
    this.ref = { env, executionId: loaded.executionId, workflowId: loaded.workflowId, userId: loaded.userId };
    this.loops = { ref: this.ref, graph, nodes: this.nodes };
  }

  async run(): Promise<RunFailure | null> {
    const inFlight = new Map<string, Promise<void>>();
    for (;;) {
      // After a failure nothing new starts; nodes already running finish and are recorded.
      if (!this.failure) {
        const { run, skip } = this.plan.next(this.outcomes, this.started);
        for (const id of skip) this.launch(inFlight, id, () => this.skipNode(id));
        for (const id of run) this.launch(inFlight, id, () => this.runNode(id));
      }
      if (inFlight.size === 0) return this.failure;
      await Promise.race(inFlight.values());
    }
  }

  private launch(inFlight: Map<string, Promise<void>>, id: string, task: () => Promise<void>) {
    this.started.add(id);
    inFlight.set(
      id,
      task().finally(() => inFlight.delete(id)),
    );
  }

  private async skipNode(id: string) {
    const node = this.nodes.get(id)!;
    await durableStep(this.step, `node:${id}`, () => recordNodeSkipped(this.ref, node));
    this.outcomes.set(id, { kind: "skipped" });
  }

  private async runNode(id: string) {
    const node = this.nodes.get(id)!;
    const isTrigger = id === this.loaded.triggerNodeId;
    const input = isTrigger ? null : this.inputOf(node);
    const scope: ExpressionScope = {
      json: input,
      nodes: this.outputsByName(),
      trigger: this.outputs.get(this.loaded.triggerNodeId) ?? null,
      execution: { id: this.ref.executionId, workflowId: this.ref.workflowId },
    };
    let result: NodeStepResult;
    let pause: RecordedPause | undefined;
    let waitingForEvent = false;
    try {
      if (this.loaded.reusedNodeIds.includes(id)) {
        result = await durableStep(this.step, `node:${id}`, () => loadReusedOutput(this.ref, node));
        if (this.loops.graph.isLoop(id)) result = { ...result, branch: "done" };
      } else if (this.loops.graph.isLoop(id)) {
        result = await runLoop(this.loops, this.step, node, input, scope, "");
      } else {
        let event: unknown;
        if (getNodeType(node.type)?.pause) {
          pause = await durableStep(this.step, `node:${id}:pause`, () =>
            prepareNodePause(this.ref, node, scope),
          );
          if (pause.kind === "sleep") {
            // A replay after a local restart can come after the end: the local engine refuses a past time.
            if (pause.untilMs > Date.now()) await this.step.sleepUntil(`node:${id}:sleep`, pause.untilMs);
          } else {
            waitingForEvent = true;
            const received = await this.step.waitForEvent(`node:${id}:event`, {
              type: pause.event,
              timeout: pause.timeoutMs,
            });
            event = received.payload;
            waitingForEvent = false;
          }
        }
        const resumed = pause !== undefined;
        result = await durableStep(this.step, `node:${id}`, nodeStepConfig(node), (ctx) =>
          runNodeAttempt(this.ref, node, { input, scope, attempt: ctx.attempt, isTrigger, event, resumed }),
        );
      }
    } catch (err) {
      const message =
        waitingForEvent && pause?.kind === "event"
          ? `Timed out after ${Math.round(pause.timeoutMs / 1000)}s waiting for event "${pause.event}"`
          : errorMessage(err);
      const handled = failureResult(node, message, input);
      await durableStep(this.step, `node:${id}:failed`, () =>
        recordNodeFailure(this.ref, node, message, handled?.output ?? null),
      );
      if (!handled) {
        this.failure ??= { nodeId: id, message };
        return;
      }
      result = handled;
    }
    this.outputs.set(id, result.output);
    this.outcomes.set(id, { kind: "done", branch: result.branch });
  }

  /** `$json`: the output of the node that led here; for `merge`, `{ [nodeName]: output }` of every branch. */
  private inputOf(node: SnapshotNode): unknown {
    const sources = this.plan.takenSources(node.id, this.outcomes);
    if (node.type === MERGE_NODE_TYPE) {
      return Object.fromEntries(sources.map((s) => [this.nodes.get(s)!.name, this.outputs.get(s) ?? null]));
    }
    return sources.length > 0 ? (this.outputs.get(sources[0]) ?? null) : null;
  }

  private outputsByName(): Record<string, unknown> {
    const byName: Record<string, unknown> = {};
    for (const [id, output] of this.outputs) byName[this.nodes.get(id)!.name] = output;
    return byName;
  }
}
