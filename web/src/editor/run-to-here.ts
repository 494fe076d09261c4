/**
 * "Run to here": which trigger starts the run and with what data. The trigger is one that leads to the
 * node (a manual trigger first); its data is its pin, else what it output in the latest run, else `{}`
 * for a manual trigger or its type's sample payload. The server then runs only the trigger and the nodes
 * on the way to the node (`POST /api/workflows/:id/run?trigger=&until=`), skipping pinned nodes.
 */
import type { NodeTypeInfo } from "../api/node-types";

export interface RunToHereInput {
  nodeId: string;
  nodes: { id: string; type: string }[];
  edges: { source: string; target: string }[];
  typeMap: Map<string, NodeTypeInfo>;
  pins: Record<string, unknown>;
  /** Outputs of the latest run's successful steps, by node id. */
  lastOutputs: Map<string, unknown>;
}

export type RunToHerePlan =
  { ok: true; triggerId: string; payload: unknown } | { ok: false; message: string };

export function planRunToHere(input: RunToHereInput): RunToHerePlan {
  const upstream = new Set([input.nodeId]);
  const queue = [input.nodeId];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const edge of input.edges) {
      if (edge.target === id && !upstream.has(edge.source)) {
        upstream.add(edge.source);
        queue.push(edge.source);
      }
    }
  }
  const triggers = input.nodes.filter((n) => upstream.has(n.id) && input.typeMap.get(n.type)?.trigger);
  const trigger = triggers.find((n) => input.typeMap.get(n.type)?.trigger === "manual") ?? triggers[0];
  if (!trigger)
    return { ok: false, message: "No trigger leads to this node: connect one to run up to here." };
  const info = input.typeMap.get(trigger.type)!;
  const payload =
    input.pins[trigger.id] ??
    input.lastOutputs.get(trigger.id) ??
    (info.trigger === "manual" ? {} : (info.samplePayload ?? {}));
  return { ok: true, triggerId: trigger.id, payload };
}
