/**
 * A pure group: a pure node (the head) and the pure nodes that follow it, run in one step with their
 * records written in one D1 batch. A node joins the group when every one of its sources is in the group
 * (so what it receives is decided inside the group, and the group is the same on every retry of the
 * step); nodes on branches not taken are recorded `skipped` the same way, whatever their type.
 *
 * The head's failure fails the step (its retry policy applies, as for any node). A later member that
 * fails, or whose output would push the step result over the limit, is left out: it runs later as the
 * head of its own step, so its retries and its record are exactly those of a node run alone.
 */
import { resumeUrlOf } from "./resume-links";
import { getNodeType } from "../nodes/registry";
import type { LiveNodeState } from "../realtime/events";
import type { ExecutionChange, StepRecordWrite } from "../storage/run-records";
import { boundedOutput, boundJson, MAX_RECORDED_BYTES, toStoredJson } from "./bounded-json";
import type { ExpressionScope } from "./expressions";
import { liveNode, recordSizes } from "./live-state";
import { yieldToRuntime } from "./yield-runtime";
import { hydrateScope } from "./loop-results";
import { errorMessage, requireNodeType } from "./node-errors";
import { resolveNodeParameters } from "./node-parameters";
import { writeStep } from "./node-steps";
import { createOutboundFetch } from "./outbound-fetch";
import type { RunRef } from "./run-ref";
import type { NodeOutcome, RunPlan } from "./run-plan";
import type { SnapshotNode } from "./snapshot";

/** One node of a group, as the group's step result records it. */
export type GroupMember = { id: string; output: unknown; branch: string } | { id: string; skipped: true };

export interface GroupResult {
  members: GroupMember[];
  /** The group's batch also ended the run (success). */
  ended: boolean;
  /** The execution had already ended (canceled) when the group wrote its records. */
  canceled: boolean;
}

/** The run's state a group starts from (copied: the group changes its own view only). */
export interface GroupView {
  plan: RunPlan;
  nodes: ReadonlyMap<string, SnapshotNode>;
  outcomes: ReadonlyMap<string, NodeOutcome>;
  outputs: ReadonlyMap<string, unknown>;
  started: ReadonlySet<string>;
  triggerNodeId: string;
  /** The trigger's payload (only read when the head is the trigger). */
  trigger: () => Promise<unknown>;
  /** Whether a node may join a group (pure, not reused). */
  joinable: (id: string) => boolean;
  /** `$json` of a node given outcomes and outputs (merge: `{ [name]: output }`). */
  inputOf: (
    node: SnapshotNode,
    outcomes: ReadonlyMap<string, NodeOutcome>,
    outputs: ReadonlyMap<string, unknown>,
  ) => unknown;
  /** True when nothing else of the run is in flight and nothing failed: the group may end the run. */
  aloneAndHealthy: () => boolean;
  /** The execution is not marked running yet (this is the run's first step). */
  firstStep: boolean;
}

/** Nodes a group evaluates between two yields to the runtime. */
const NODES_PER_YIELD = 16;

interface Evaluated {
  output: unknown;
  branch: string;
  bytes: number;
  input: unknown;
  startedAt: Date;
  finishedAt: Date;
}

/** The body of step `node:<headId>` for a pure head. */
export async function runPureGroup(
  ref: RunRef,
  view: GroupView,
  headId: string,
  attempt: number,
): Promise<GroupResult> {
  const outcomes = new Map(view.outcomes);
  const outputs = new Map(view.outputs);
  const started = new Set(view.started);
  const inGroup = new Set<string>();
  const left = new Set<string>();
  const members: GroupMember[] = [];
  const records: StepRecordWrite[] = [];
  const states: LiveNodeState[] = [];
  let lastNode: { nodeId: string; nodeName: string; output: unknown } | null = null;
  let bytes = 0;
  const groupStartedAt = new Date();

  let evaluated = 0;
  const evaluate = async (node: SnapshotNode): Promise<Evaluated> => {
    // A wide group (hundreds of parallel `set` nodes) is one long stretch of ready work: let the
    // runtime serve other requests every few nodes (yield-runtime.ts).
    if (++evaluated % NODES_PER_YIELD === 0) await yieldToRuntime();
    const startedAt = new Date();
    const isTrigger = node.id === view.triggerNodeId;
    const given = isTrigger ? null : view.inputOf(node, outcomes, outputs);
    const trigger = isTrigger ? await view.trigger() : (outputs.get(view.triggerNodeId) ?? null);
    const nodes: Record<string, unknown> = {};
    for (const [id, output] of outputs) nodes[view.nodes.get(id)!.name] = output;
    // A large loop output arrives as a reference: the node gets the whole value (loop-results.ts).
    const { input, scope } = await hydrateScope(ref, given, {
      json: given,
      nodes,
      trigger,
      execution: { id: ref.executionId, workflowId: ref.workflowId },
      resumeUrl: resumeUrlOf(ref),
    });
    const nodeType = requireNodeType(node);
    const params = await resolveNodeParameters(nodeType, node, scope);
    // Pure nodes take no credential and call nothing; `fetch` is there because the context requires it.
    const result = await nodeType.run({
      params,
      input,
      node: { id: node.id, name: node.name, type: node.type },
      execution: { id: ref.executionId, workflowId: ref.workflowId },
      trigger,
      fetch: createOutboundFetch(ref.env),
    });
    const output = boundedOutput(result.output, node.name);
    return {
      output,
      branch: result.branch ?? "main",
      bytes: toStoredJson(output).bytes,
      input,
      startedAt,
      finishedAt: new Date(),
    };
  };

  const add = (node: SnapshotNode, done: Evaluated) => {
    inGroup.add(node.id);
    started.add(node.id);
    outcomes.set(node.id, { kind: "done", branch: done.branch });
    outputs.set(node.id, done.output);
    bytes += done.bytes;
    members.push({ id: node.id, output: done.output, branch: done.branch });
    const input = boundJson(done.input);
    records.push({
      nodeId: node.id,
      nodeName: node.name,
      fields: {
        status: "success",
        attempts: attempt,
        input,
        output: done.output,
        error: null,
        startedAt: done.startedAt,
        finishedAt: done.finishedAt,
      },
    });
    const sizes = recordSizes(ref.live, input, done.output);
    states.push(liveNode(node, "success", attempt, { ...done, sizes }));
    lastNode = { nodeId: node.id, nodeName: node.name, output: done.output };
  };

  const head = view.nodes.get(headId)!;
  try {
    add(head, await evaluate(head));
  } catch (err) {
    await recordHeadError(ref, head, attempt, groupStartedAt, err, view.firstStep);
    throw err;
  }

  const fromGroup = (id: string) => view.plan.sourcesOf(id).every((s) => inGroup.has(s));
  for (let grew = true; grew;) {
    grew = false;
    const next = view.plan.next(outcomes, started);
    for (const id of next.skip) {
      if (!fromGroup(id)) continue;
      const node = view.nodes.get(id)!;
      const finishedAt = new Date();
      inGroup.add(id);
      started.add(id);
      outcomes.set(id, { kind: "skipped" });
      members.push({ id, skipped: true });
      records.push({ nodeId: id, nodeName: node.name, fields: { status: "skipped", finishedAt } });
      states.push(liveNode(node, "skipped", 0, { finishedAt }));
      grew = true;
    }
    for (const id of next.run) {
      if (left.has(id) || !view.joinable(id) || !fromGroup(id)) continue;
      const node = view.nodes.get(id)!;
      try {
        const done = await evaluate(node);
        if (bytes + done.bytes > MAX_RECORDED_BYTES) {
          left.add(id); // too much for one step result: it runs in its own step
          continue;
        }
        add(node, done);
        grew = true;
      } catch (err) {
        // Runs again alone, with its own retry policy and record (see the file comment).
        console.log("engine: pure node", id, "left its group:", errorMessage(err));
        left.add(id);
      }
    }
  }

  const endsRun = left.size === 0 && view.aloneAndHealthy() && isEmpty(view.plan.next(outcomes, started));
  const now = new Date();
  const change: ExecutionChange | undefined = endsRun
    ? { kind: "finish", status: "success", error: null, at: now, startedAt: groupStartedAt }
    : view.firstStep
      ? { kind: "running", at: groupStartedAt }
      : undefined;
  const { execution } = await writeStep(ref, records, change);
  const canceled = change !== undefined && execution === null;
  if (endsRun && !canceled) await ref.live.end(states, execution, { lastNode });
  else await ref.live.publish(states, execution);
  return { members, ended: endsRun && !canceled, canceled };
}

/** The head failed this attempt: its record shows the error while the step retries. */
async function recordHeadError(
  ref: RunRef,
  node: SnapshotNode,
  attempt: number,
  startedAt: Date,
  err: unknown,
  firstStep: boolean,
) {
  const error = { message: errorMessage(err) };
  try {
    const { execution } = await writeStep(
      ref,
      [
        {
          nodeId: node.id,
          nodeName: node.name,
          fields: { status: "running", attempts: attempt, startedAt, error },
          unlessFinal: true,
        },
      ],
      firstStep ? { kind: "running", at: startedAt } : undefined,
    );
    await ref.live.publish([liveNode(node, "running", attempt, { startedAt, error })], execution);
  } catch (writeErr) {
    console.error("engine: recording the failed attempt of", node.id, "failed", writeErr);
  }
}

function isEmpty(next: { run: string[]; skip: string[] }) {
  return next.run.length === 0 && next.skip.length === 0;
}

/** Pure node types may share a step (see `NodeType.pure`). */
export function isPureType(type: string): boolean {
  return getNodeType(type)?.pure === true;
}
