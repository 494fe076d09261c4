/**
 * The live preview of a parameter's `{{ }}` value while it is typed, against the data of the latest run
 * the editor shows. The value is computed by the server (`POST /api/expressions/preview`), with the
 * engine's own evaluator and its sandbox limits: web/ imports only types from worker/, so the evaluator
 * is not bundled here. The field debounces its calls (expression-input.tsx).
 */
import { request } from "../api/client";
import type { ExecutionStep } from "../api/executions";
import type { ExpressionScope } from "../../../worker/src/engine/expressions";

export type { ExpressionScope };

/** What the field shows under itself. */
export type Preview =
  | { kind: "value"; text: string }
  | { kind: "error"; message: string }
  /** No run data for this node yet: only the syntax was checked (and it is fine). */
  | { kind: "noData" };

/**
 * The bindings a node's expressions would see if it ran again with its latest recorded input: `$json`
 * is its step's input (or, when it did not run then, the output of a node feeding it that did),
 * `$node("Name")` the outputs of that run's successful steps, `$trigger` its trigger's output.
 * Null when the run the editor shows has nothing for this node.
 */
export function previewScopeFor(
  nodeId: string,
  run: {
    executionId: string | null;
    workflowId: string;
    steps: Map<string, ExecutionStep>;
    edges: readonly { source: string; target: string }[];
    /** Node ids of the workflow's trigger nodes. */
    triggerIds: ReadonlySet<string>;
  },
): ExpressionScope | null {
  if (!run.executionId || run.steps.size === 0) return null;
  const own = run.steps.get(nodeId);
  let json: unknown = undefined;
  if (own && own.status !== "skipped" && own.input !== null && own.input !== undefined) json = own.input;
  else {
    const parent = run.edges
      .filter((e) => e.target === nodeId)
      .map((e) => run.steps.get(e.source))
      .find((s) => s?.status === "success");
    if (parent) json = parent.output;
  }
  if (json === undefined && !run.triggerIds.has(nodeId)) return null;
  const nodes: Record<string, unknown> = {};
  let trigger: unknown = null;
  for (const [id, step] of run.steps) {
    if (step.status !== "success") continue;
    nodes[step.nodeName] = step.output;
    if (run.triggerIds.has(id)) trigger = step.output;
  }
  return {
    json: json ?? null,
    nodes,
    trigger,
    execution: { id: run.executionId, workflowId: run.workflowId },
  };
}

/**
 * The preview of a parameter with at least one `{{ }}`: its value against `scope`, or the reason it
 * fails. Without a scope, broken syntax is still reported. `{ text }` is resolved as a text template;
 * `{ value }`, a JSON object or array (an HTTP body) whose strings hold expressions, is resolved as a run
 * resolves it and answered as indented JSON.
 */
export async function previewExpression(
  parameter: { text: string } | { value: unknown },
  scope: ExpressionScope | null,
  nodeName: string,
): Promise<Preview> {
  try {
    return await request<Preview>("POST", "/api/expressions/preview", {
      body: { ...parameter, nodeName, scope },
    });
  } catch (error) {
    return {
      kind: "error",
      message: `No preview: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
