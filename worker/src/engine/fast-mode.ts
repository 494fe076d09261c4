/**
 * Which workflows may run in `executionMode: "fast"` (fast-run.ts): the graph runs inside the Worker
 * invocation that started it, so nothing may wait longer than a request lives. Refused, each a 422 at save
 * naming the node: `wait` and `waitForEvent` (durable pauses), `executeWorkflow` that waits for its child
 * (a durable wait for the child's end), and `forEach` (its elements are durable steps of their own).
 * Pure: no Worker-only imports, so the checks can run anywhere.
 */
import { getNodeType } from "../nodes/registry";
import type { NodeType } from "../nodes/node-type";
import type { DocumentProblem } from "./workflow-document";

interface NodeLike {
  id: string;
  name: string;
  type: string;
  parameters?: Record<string, unknown>;
}

export function fastModeProblems(
  nodes: readonly NodeLike[],
  lookup: (type: string) => NodeType | undefined = getNodeType,
): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  for (const n of nodes) {
    const why = whyNotFast(n, lookup(n.type));
    if (why) {
      problems.push({
        code: "not_allowed_in_fast_mode",
        message: `${n.name}: ${why}; set settings.executionMode to "durable" for this workflow`,
        nodeId: n.id,
        nodeName: n.name,
        field: "settings.executionMode",
      });
    }
  }
  return problems;
}

/**
 * Whether a run of this (immutable, per-isolate cached) snapshot may run fast, and whether every node is
 * pure (computes only: `NodeType.pure`): asked on every start of a fast workflow, so the answers are kept
 * with the snapshot instead of re-checking every node each time.
 */
const factsByNodes = new WeakMap<readonly NodeLike[], { fast: boolean; pure: boolean }>();
function factsOf(snapshot: { nodes: readonly NodeLike[] }) {
  let facts = factsByNodes.get(snapshot.nodes);
  if (facts === undefined) {
    facts = {
      fast: fastModeProblems(snapshot.nodes).length === 0,
      pure: snapshot.nodes.every((n) => getNodeType(n.type)?.pure === true),
    };
    factsByNodes.set(snapshot.nodes, facts);
  }
  return facts;
}

export function canRunFast(snapshot: { nodes: readonly NodeLike[] }): boolean {
  return factsOf(snapshot).fast;
}

export function runsPure(snapshot: { nodes: readonly NodeLike[] }): boolean {
  return factsOf(snapshot).pure;
}

function whyNotFast(node: NodeLike, type: NodeType | undefined): string | null {
  if (!type) return null; // unknown types are refused by document validation
  if (type.loopHandle) return "a forEach loop runs its elements as durable steps, only in durable mode";
  if (!type.pause) return null;
  const parsed = type.parameters.safeParse(node.parameters ?? {});
  // A pause whose parameters are expressions cannot be told apart before it runs: refuse it.
  const pause = parsed.success ? type.pause(parsed.data) : null;
  if (pause?.kind === "subworkflow" && !pause.wait) return null;
  if (pause?.kind === "subworkflow") {
    return "waiting for a sub-workflow is a durable wait (turn off its wait option, or use durable mode)";
  }
  return "a wait or waitForEvent pauses the run durably, which a fast run cannot do";
}
