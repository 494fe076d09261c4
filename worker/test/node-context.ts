/**
 * Runs a node type the way the engine does, without the engine: parameters are parsed with the node's
 * zod schema (defaults applied, bad input rejected), then `run` gets a hand-made context.
 */
import type { z } from "zod";
import { createOutboundFetch } from "../src/engine/outbound-fetch";
import type { NodeResult, NodeRunContext, NodeType } from "../src/nodes/node-type";

export type ContextOverrides = Partial<Omit<NodeRunContext<unknown>, "params">>;

export function nodeContext<S extends z.ZodType>(
  node: NodeType<S>,
  params: unknown,
  overrides: ContextOverrides = {},
): NodeRunContext<z.infer<S>> {
  return {
    params: node.parameters.parse(params),
    input: {},
    node: { id: "n1", name: node.title, type: node.type },
    execution: { id: "exec-1", workflowId: "wf-1" },
    trigger: {},
    fetch: createOutboundFetch({ NODEBASE_ENV: "development" }),
    ...overrides,
  };
}

export function runNode<S extends z.ZodType>(
  node: NodeType<S>,
  params: unknown,
  overrides: ContextOverrides = {},
): Promise<NodeResult> {
  return node.run(nodeContext(node, params, overrides));
}
