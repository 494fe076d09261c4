/**
 * GraphRun: walks a run's graph on a `StepRunner` (Workflows, or in-process for the fast mode). Starts
 * every node as soon as its inputs are settled, independent branches at once. Steps, all with
 * deterministic names because Workflows replays `run()`:
 *
 *   node:<id>               a pure node and the pure nodes that follow it (pure-group.ts), or a node that
 *                           calls out, with its own retry policy; also records a skipped node
 *   node:<id>:record        (rare) the success record a node's attempt could not write itself
 *   node:<id>:pause         (wait-like nodes) compute what to wait for, mark waiting
 *   node:<id>:sleep|event   step.sleepUntil / step.waitForEvent
 *   node:<id>:failed        the node failed for good (retries spent or a pause timed out)
 *   node:<id>:abandoned     a pause another branch's failure ended: nothing else could still run
 *
 * Code outside steps only computes (the plan, inputs, scopes) from step results, so a replay makes the
 * same decisions and repeats no side effect.
 */
import { resumeUrlOf } from "./resume-links";
import { getNodeType } from "../nodes/registry";
import type { RunResult } from "../realtime/events";
import type { ExpressionScope } from "./expressions";
import { errorMessage } from "./node-errors";
import {
  loadReusedOutput,
  prepareNodePause,
  recordLateSuccess,
  recordNodeFailure,
  recordNodeSkipped,
  recordPauseAbandoned,
  runNodeAttempt,
  triggerPayload,
} from "./node-steps";
import { isPureType, runPureGroup, type GroupView } from "./pure-group";
import type { NodeStepResult, RecordedPause, RunRef } from "./run-ref";
import type { NodeOutcome, RunPlan } from "./run-plan";
import { failureResult } from "./failure-result";
import { logNodeFailure } from "./failure-log";
import { loopGraphOf } from "./loop-progress";
import type { LoopRuntime } from "./loop-body";
import { runLoop } from "./loop-run";
import type { RunTicket } from "./run-ticket";
import { graphUntil } from "./run-until";
import type { SnapshotNode, WorkflowSnapshot } from "./snapshot";
import { nodeStepConfig } from "./step-config";
import type { StepRunner } from "./step-runner";

/**
 * Most nodes of one run working at once (issue 13, fairness): 499 parallel branches start 16 at a time
 * instead of all together, so one run cannot take every step slot and connection of the isolate.
 */
export const MAX_PARALLEL_NODES = 16;

/** The type whose input is `{ [nodeName]: output }` of every incoming branch that ran. */
const MERGE_NODE_TYPE = "merge";

export interface RunFailure {
  nodeId?: string;
  message: string;
}

export interface GraphOutcome {
  failure: RunFailure | null;
  /** A node's step already wrote the run's final status (no `execution:finish` needed). */
  ended: boolean;
  /** The execution ended from outside (canceled) while it ran: nothing more to record. */
  canceled: boolean;
  /** What a caller waiting on the run answers with. */
  result: RunResult;
}

export class GraphRun {
  private readonly plan: RunPlan;
  private readonly loops: LoopRuntime;
  private readonly nodes: Map<string, SnapshotNode>;
  private readonly outcomes = new Map<string, NodeOutcome>();
  private readonly outputs = new Map<string, unknown>();
  private readonly started = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Nodes now in a durable sleep or wait: a failure elsewhere does not wait for them. */
  private readonly pausing = new Set<string>();
  /** Wakes the walk when a node starts pausing (which settles no task). */
  private wake: (() => void) | null = null;
  /**
   * Nodes whose pause ended while all places were taken, oldest first: each keeps counting as pausing
   * until a working node finishes and hands it that place, so a resume never takes the run past the cap.
   */
  private readonly resuming: { id: string; go: () => void }[] = [];
  private failure: RunFailure | null = null;
  private ended = false;
  private canceled = false;
  /** The execution was marked running (by the run's first step). */
  private marked = false;
  private lastNode: RunResult["lastNode"] = null;

  constructor(
    private readonly ref: RunRef,
    private readonly steps: StepRunner,
    snapshot: WorkflowSnapshot,
    private readonly ticket: RunTicket,
  ) {
    const { nodes, edges } = ticket.until ? untilSnapshot(snapshot, ticket) : snapshot;
    // Loop bodies run per element inside their loop node (loop-run.ts); this plan is the rest.
    const graph = loopGraphOf(nodes, edges);
    this.plan = graph.topLevelPlan(ticket.triggerNodeId);
    this.nodes = new Map(snapshot.nodes.map((n) => [n.id, n]));
    this.loops = { ref, graph, nodes: this.nodes };
  }

  async run(): Promise<GraphOutcome> {
    for (;;) {
      // After a failure nothing new starts; nodes already running finish and are recorded.
      if (!this.failure && !this.canceled && !this.ended) {
        const { run, skip } = this.plan.next(this.outcomes, this.started);
        for (const id of skip) this.launch(id, () => this.skipNode(id));
        // Parallel branches are bounded: the rest start as running nodes finish (`plan.next` offers them
        // again, since they are not `started`). A node that waits (sleep, event) holds no place.
        for (const id of run) {
          if (this.working() >= MAX_PARALLEL_NODES) break;
          this.launch(id, () => this.runNode(id));
        }
      }
      if (this.inFlight.size === 0) break;
      // A failed run does not stay open for a pause in another branch (a waitForEvent may last a year).
      if (this.failure && [...this.inFlight.keys()].every((id) => this.pausing.has(id))) {
        await this.abandonPauses();
        break;
      }
      await Promise.race([...this.inFlight.values(), new Promise<void>((r) => (this.wake = r))]);
      this.wake = null;
    }
    return {
      failure: this.failure,
      ended: this.ended,
      canceled: this.canceled,
      result: { lastNode: this.lastNode },
    };
  }

  /** Nodes in flight that are working, not waiting on a sleep or an event. */
  private working(): number {
    return this.inFlight.size - this.pausing.size;
  }

  private launch(id: string, task: () => Promise<void>) {
    this.started.add(id);
    this.inFlight.set(
      id,
      task().finally(() => {
        this.inFlight.delete(id);
        this.handOnPlaces();
      }),
    );
  }

  /**
   * Gives free places to resumed nodes first, before the walk (which runs after this, when the finished
   * task's promise settles) launches new ones.
   */
  private handOnPlaces() {
    while (this.resuming.length > 0 && this.working() < MAX_PARALLEL_NODES) {
      const next = this.resuming.shift()!;
      this.pausing.delete(next.id);
      next.go();
    }
  }

  private async skipNode(id: string) {
    const node = this.nodes.get(id)!;
    await this.steps.do(`node:${id}`, {}, () => recordNodeSkipped(this.ref, node));
    this.outcomes.set(id, { kind: "skipped" });
  }

  private async runNode(id: string) {
    const node = this.nodes.get(id)!;
    const isTrigger = id === this.ticket.triggerNodeId;
    const input = isTrigger ? null : this.inputOf(node, this.outcomes, this.outputs);
    const markRunning = !this.marked;
    this.marked = true;
    let result: NodeStepResult;
    let pause: RecordedPause | undefined;
    let waitingForEvent = false;
    try {
      if (this.ticket.reusedNodeIds.includes(id)) {
        result = await this.steps.do(`node:${id}`, {}, () => loadReusedOutput(this.ref, node, markRunning));
        if (this.loops.graph.isLoop(id)) result = { ...result, branch: "done" };
        // A pinned If or Switch goes on through its first output (a retry reuses single-output nodes only).
        else result = { ...result, branch: firstOutput(node) };
      } else if (this.loops.graph.isLoop(id)) {
        if (!this.steps.workflowStep)
          throw new Error(`Node "${node.name}": a loop runs only in the durable mode`);
        result = await runLoop(this.loops, this.steps.workflowStep, node, input, this.scopeFor(input), "");
      } else if (isPureType(node.type)) {
        return await this.runGroup(node, markRunning);
      } else {
        const scope = this.scopeFor(input);
        let event: unknown;
        if (getNodeType(node.type)?.pause) {
          pause = await this.steps.do(`node:${id}:pause`, {}, () => prepareNodePause(this.ref, node, scope));
          if (pause.kind === "none") {
            event = pause.value;
          } else if (pause.kind === "sleep") {
            // A replay after a local restart can come after the end: the local engine refuses a past time.
            if (pause.untilMs > Date.now()) {
              const sleeping = this.steps.sleepUntil(`node:${id}:sleep`, pause.untilMs);
              await this.whilePausing(id, sleeping);
            }
          } else {
            waitingForEvent = true;
            const received = await this.whilePausing(
              id,
              this.steps.waitForEvent(`node:${id}:event`, { type: pause.event, timeout: pause.timeoutMs }),
            );
            event = received.payload;
            waitingForEvent = false;
          }
        }
        const trigger = isTrigger ? this.ticket.triggerData : undefined;
        result = await this.steps.do(`node:${id}`, nodeStepConfig(node), (ctx) =>
          runNodeAttempt(this.ref, node, {
            input,
            scope,
            attempt: ctx.attempt,
            isTrigger,
            trigger,
            event,
            markRunning: markRunning || pause !== undefined,
          }),
        );
        if (result.canceled) {
          this.canceled = true;
          return;
        }
        if (result.unrecorded) {
          const late = result;
          await this.steps.do(`node:${id}:record`, {}, () => recordLateSuccess(this.ref, node, input, late));
        }
      }
    } catch (err) {
      return this.fail(node, input, err, waitingForEvent && pause?.kind === "event" ? pause : undefined);
    }
    this.done(node, result);
  }

  private async whilePausing<T>(id: string, pause: Promise<T>): Promise<T> {
    this.pausing.add(id);
    this.wake?.();
    const ended = await pause.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // Back to work (the node's step, or recording its timeout) only in a free place: with all taken,
    // wait for one (handOnPlaces).
    if (this.working() < MAX_PARALLEL_NODES) this.pausing.delete(id);
    else await new Promise<void>((go) => this.resuming.push({ id, go }));
    if ("error" in ended) throw ended.error;
    return ended.value;
  }

  /** Records the pauses still open when the run failed as canceled; their steps are left unawaited. */
  private async abandonPauses() {
    for (const id of [...this.inFlight.keys()]) {
      const node = this.nodes.get(id)!;
      await this.steps.do(`node:${id}:abandoned`, {}, () => recordPauseAbandoned(this.ref, node));
    }
  }

  /** A pure head and its group, in one step (pure-group.ts); the members' outcomes apply at once. */
  private async runGroup(head: SnapshotNode, firstStep: boolean) {
    const view: GroupView = {
      plan: this.plan,
      nodes: this.nodes,
      outcomes: this.outcomes,
      outputs: this.outputs,
      started: this.started,
      triggerNodeId: this.ticket.triggerNodeId,
      trigger: () => triggerPayload(this.ref, this.ticket.triggerData),
      joinable: (id) => isPureType(this.nodes.get(id)!.type) && !this.ticket.reusedNodeIds.includes(id),
      inputOf: (node, outcomes, outputs) => this.inputOf(node, outcomes, outputs),
      aloneAndHealthy: () => !this.failure && [...this.inFlight.keys()].every((k) => k === head.id),
      firstStep,
    };
    let group;
    try {
      group = await this.steps.do(`node:${head.id}`, nodeStepConfig(head), (ctx) =>
        runPureGroup(this.ref, view, head.id, ctx.attempt),
      );
    } catch (err) {
      const input =
        head.id === this.ticket.triggerNodeId ? null : this.inputOf(head, this.outcomes, this.outputs);
      return this.fail(head, input, err);
    }
    for (const member of group.members) {
      this.started.add(member.id);
      if ("skipped" in member) this.outcomes.set(member.id, { kind: "skipped" });
      else this.done(this.nodes.get(member.id)!, member);
    }
    if (group.ended) this.ended = true;
    if (group.canceled) this.canceled = true;
  }

  private done(node: SnapshotNode, result: NodeStepResult) {
    this.outputs.set(node.id, result.output);
    this.outcomes.set(node.id, { kind: "done", branch: result.branch });
    this.lastNode = { nodeId: node.id, nodeName: node.name, output: result.output };
  }

  private async fail(node: SnapshotNode, input: unknown, err: unknown, timedOutPause?: RecordedPause) {
    const message =
      timedOutPause?.kind === "event"
        ? `Timed out after ${Math.round(timedOutPause.timeoutMs / 1000)}s waiting for event "${timedOutPause.event}"`
        : errorMessage(err);
    const handled = failureResult(node, message, input);
    await this.steps.do(`node:${node.id}:failed`, {}, async () => {
      await recordNodeFailure(this.ref, node, message, handled?.output ?? null);
      // Inside the step: a replayed run does not log the same failure again.
      const { workflowId, executionId } = this.ref;
      logNodeFailure({ workflowId, executionId, node, message, handled: handled !== null });
    });
    if (!handled) {
      this.failure ??= { nodeId: node.id, message };
      return;
    }
    this.done(node, handled);
  }

  private scopeFor(input: unknown): ExpressionScope {
    const nodes: Record<string, unknown> = {};
    for (const [id, output] of this.outputs) nodes[this.nodes.get(id)!.name] = output;
    return {
      json: input,
      nodes,
      trigger: this.outputs.get(this.ticket.triggerNodeId) ?? null,
      execution: { id: this.ref.executionId, workflowId: this.ref.workflowId },
      resumeUrl: resumeUrlOf(this.ref),
    };
  }

  /** `$json`: the output of the node that led here; for `merge`, `{ [nodeName]: output }` of every branch. */
  private inputOf(
    node: SnapshotNode,
    outcomes: ReadonlyMap<string, NodeOutcome>,
    outputs: ReadonlyMap<string, unknown>,
  ): unknown {
    const sources = this.plan.takenSources(node.id, outcomes);
    if (node.type === MERGE_NODE_TYPE) {
      return Object.fromEntries(sources.map((s) => [this.nodes.get(s)!.name, outputs.get(s) ?? null]));
    }
    return sources.length > 0 ? (outputs.get(sources[0]) ?? null) : null;
  }
}

/**
 * The graph of a run to `ticket.until` (run-until.ts): nodes and edges on the way, not upstream of a node
 * whose output is recorded already (a pin), which the trigger feeds instead.
 */
function untilSnapshot(
  snapshot: WorkflowSnapshot,
  ticket: RunTicket,
): Pick<WorkflowSnapshot, "nodes" | "edges"> {
  const cut = graphUntil(
    snapshot.edges,
    ticket.triggerNodeId,
    ticket.until!,
    new Set(ticket.reusedNodeIds),
    (id) => ({
      id: `until:${id}`,
      source: ticket.triggerNodeId,
      target: id,
      sourceHandle: "main",
    }),
  );
  return { nodes: snapshot.nodes.filter((n) => cut.nodeIds.has(n.id)), edges: cut.edges };
}

function firstOutput(node: SnapshotNode): string {
  const outputs = getNodeType(node.type)?.outputs;
  const list = typeof outputs === "function" ? outputs(node.parameters as never) : outputs;
  return list?.[0] ?? "main";
}
