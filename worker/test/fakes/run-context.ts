/**
 * A `NodeRunContext` for calling a node's `run` directly in a unit test, with its parameters parsed by the
 * node's own schema (so defaults apply as in a real run) and the real `fetch` (tests use fake servers).
 */
import { createOutboundConnect } from "../../src/engine/outbound-connect";
import type { NodeRunContext, NodeType } from "../../src/nodes/node-type";

export function runContext<N extends NodeType<any>>(
  node: N,
  params: unknown,
  extra: Partial<NodeRunContext<unknown>> = {},
): Parameters<N["run"]>[0] {
  return {
    params: node.parameters.parse(params),
    input: {},
    node: { id: "n1", name: node.title, type: node.type },
    execution: { id: "exec-test", workflowId: "wf-test" },
    trigger: {},
    fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
    connect: createOutboundConnect({ NODEBASE_ENV: "development" }),
    ...extra,
  } as Parameters<N["run"]>[0];
}
