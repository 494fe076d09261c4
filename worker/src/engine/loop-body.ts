/**
 * One element's run of a loop body: walks the body's plan (branches, merges, nested loops) from the
 * loop node, hands each node its input and scope, and tells what the element ended with. How a node
 * runs is the executor's business: inline inside a batch step (loop-inline.ts) or as durable steps of
 * its own when the body waits (loop-stepped.ts). Only computes from what the executor returns, so a
 * replay of `run()` makes the same decisions.
 */
import { resumeUrlOf } from "./resume-links";
import type { ExpressionScope, LoopItem } from "./expressions";
import type { LoopGraph } from "./loop-graph";
import { errorMessage } from "./node-errors";
import type { NodeOutcome, RunPlan } from "./run-plan";
import type { NodeStepResult, RunRef } from "./run-ref";
import type { SnapshotNode } from "./snapshot";
import { failureResult } from "./failure-result";

/** The type whose input is `{ [nodeName]: output }` of every incoming branch that ran. */
const MERGE_NODE_TYPE = "merge";

/** What a whole run shares with every loop in it. */
export interface LoopRuntime {
  ref: RunRef;
  graph: LoopGraph;
  nodes: Map<string, SnapshotNode>;
}

/** Where an element sits: its loop, the loop's place (parent path) and its own index. */
export interface ElementRef {
  loopId: string;
  /** "" for a top-level loop; "3" inside element 3 of the outer loop; "3.7" one level deeper. */
  parentPath: string;
  index: number;
}

/** The path of an element, which is the parent path of any loop nested in its body. */
export function elementPath(at: ElementRef): string {
  return at.parentPath === "" ? String(at.index) : `${at.parentPath}.${at.index}`;
}

/** What the body sees of the run outside it. */
export interface OuterScope {
  /** Outputs of nodes finished outside this element (the run's, and outer elements'), by name. */
  nodes: Record<string, unknown>;
  trigger: unknown;
}

export interface BodyExecutor {
  /** Runs one body node (retries included); throws once it failed for good. */
  run(node: SnapshotNode, input: unknown, scope: ExpressionScope): Promise<NodeStepResult>;
  /** Runs a loop nested in the body; its result is the `done` output. Throws when it failed (stop). */
  runLoop(node: SnapshotNode, input: unknown, scope: ExpressionScope): Promise<NodeStepResult>;
  /** Records a node whose branch was not taken for this element. */
  skip(node: SnapshotNode): Promise<void>;
  /** Records that a node failed for good (after `run` or `runLoop` threw). */
  fail(node: SnapshotNode, message: string, input: unknown, handedOn: unknown): Promise<void>;
}

export type ElementOutcome =
  { status: "success"; result: unknown } | { status: "error"; error: { message: string; nodeId: string } };

export async function runElement(
  rt: LoopRuntime,
  at: ElementRef,
  item: LoopItem,
  outer: OuterScope,
  executor: BodyExecutor,
): Promise<ElementOutcome> {
  return new ElementRun(rt, at, item, outer, executor).run();
}

class ElementRun {
  private readonly plan: RunPlan;
  private readonly outcomes = new Map<string, NodeOutcome>();
  private readonly outputs = new Map<string, unknown>();
  private readonly started = new Set<string>();
  private failure: { message: string; nodeId: string } | null = null;

  constructor(
    private readonly rt: LoopRuntime,
    private readonly at: ElementRef,
    private readonly item: LoopItem,
    private readonly outer: OuterScope,
    private readonly executor: BodyExecutor,
  ) {
    this.plan = rt.graph.bodyPlan(at.loopId);
    // The loop node stands in for the element: finished on its loop handle, its output the element.
    this.outcomes.set(at.loopId, { kind: "done", branch: "item" });
    this.outputs.set(at.loopId, item.value);
    this.started.add(at.loopId);
  }

  async run(): Promise<ElementOutcome> {
    const inFlight = new Map<string, Promise<void>>();
    for (;;) {
      if (!this.failure) {
        const { run, skip } = this.plan.next(this.outcomes, this.started);
        for (const id of skip) this.launch(inFlight, id, () => this.skipNode(id));
        for (const id of run) this.launch(inFlight, id, () => this.runNode(id));
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
    if (this.failure) return { status: "error", error: this.failure };
    return { status: "success", result: this.result() };
  }

  private launch(inFlight: Map<string, Promise<void>>, id: string, task: () => Promise<void>) {
    this.started.add(id);
    inFlight.set(
      id,
      task().finally(() => inFlight.delete(id)),
    );
  }

  private async skipNode(id: string) {
    await this.executor.skip(this.rt.nodes.get(id)!);
    this.outcomes.set(id, { kind: "skipped" });
  }

  private async runNode(id: string) {
    const node = this.rt.nodes.get(id)!;
    const input = this.inputOf(node);
    const scope: ExpressionScope = {
      json: input,
      nodes: { ...this.outer.nodes, ...this.outputsByName() },
      trigger: this.outer.trigger,
      execution: { id: this.rt.ref.executionId, workflowId: this.rt.ref.workflowId },
      resumeUrl: resumeUrlOf(this.rt.ref),
      item: this.item,
    };
    let result: NodeStepResult;
    try {
      result = this.rt.graph.isLoop(id)
        ? await this.executor.runLoop(node, input, scope)
        : await this.executor.run(node, input, scope);
    } catch (err) {
      const message = errorMessage(err);
      const handled = failureResult(node, message, input);
      await this.executor.fail(node, message, input, handled?.output ?? null);
      if (!handled) {
        this.failure ??= { message: `Node "${node.name}": ${message}`, nodeId: id };
        return;
      }
      result = handled;
    }
    this.outputs.set(id, result.output);
    this.outcomes.set(id, { kind: "done", branch: result.branch });
  }

  /** `$json`: the element for the first body nodes, else the output of the node that led here. */
  private inputOf(node: SnapshotNode): unknown {
    const sources = this.plan.takenSources(node.id, this.outcomes);
    if (node.type === MERGE_NODE_TYPE) {
      return Object.fromEntries(
        sources.map((s) => [this.rt.nodes.get(s)!.name, this.outputs.get(s) ?? null]),
      );
    }
    return sources.length > 0 ? (this.outputs.get(sources[0]) ?? null) : null;
  }

  /** The element's result: the output of the last body end (a node with no successor) that ran. */
  private result(): unknown {
    const ran = this.rt.graph.sinks(this.at.loopId).filter((id) => this.outcomes.get(id)?.kind === "done");
    return ran.length > 0 ? (this.outputs.get(ran[ran.length - 1]) ?? null) : null;
  }

  private outputsByName(): Record<string, unknown> {
    const byName: Record<string, unknown> = {};
    for (const [id, output] of this.outputs) {
      if (id !== this.at.loopId) byName[this.rt.nodes.get(id)!.name] = output;
    }
    return byName;
  }
}
