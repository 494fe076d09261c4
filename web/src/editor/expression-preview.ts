/**
 * The live preview of a parameter's `{{ }}` value while it is typed, computed in the browser by the
 * engine's own evaluator (worker/src/engine/expressions.ts: JSONata in the same sandbox, with the same
 * step, depth and size limits), against the data of the latest run the editor shows.
 *
 * Why in the browser and not an endpoint: the evaluator imports only jsonata and re2js (no Worker
 * binding, no `cloudflare:` module), so the very code that runs the step runs here, with no round trip
 * per keystroke and no run data sent back to the server. It is the one runtime import from worker/ in
 * web/ (the rest are types), loaded as its own lazy chunk the first time a preview is needed, so neither
 * the initial bundle nor the editor chunk grows.
 */
import type { ExecutionStep } from "../api/executions";
import type { ExpressionScope } from "../../../worker/src/engine/expressions";

export type { ExpressionScope };

/** What the field shows under itself. */
export type Preview =
  | { kind: "value"; text: string }
  | { kind: "error"; message: string }
  /** No run data for this node yet: only the syntax was checked (and it is fine). */
  | { kind: "noData" };

type Evaluator = typeof import("../../../worker/src/engine/expressions");
let evaluator: Promise<Evaluator> | null = null;
const loadEvaluator = () => (evaluator ??= import("../../../worker/src/engine/expressions"));

const MAX_PREVIEW = 500;

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
 * The preview of `text` (a parameter value with at least one `{{ }}`): its value against `scope`, or
 * the reason it fails. Without a scope, broken syntax is still reported.
 */
export async function previewExpression(
  text: string,
  scope: ExpressionScope | null,
  nodeName: string,
): Promise<Preview> {
  const { listExpressions, resolveParameters, ExpressionError } = await loadEvaluator();
  const broken = listExpressions(text).find((e) => e.error);
  if (broken) return { kind: "error", message: `{{ ${broken.expression} }}: ${broken.error}` };
  if (!scope) return { kind: "noData" };
  try {
    return { kind: "value", text: shown(await resolveParameters(text, scope, nodeName)) };
  } catch (error) {
    if (error instanceof ExpressionError) {
      return { kind: "error", message: `{{ ${error.expression} }}: ${error.reason}` };
    }
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

/** A value as one short line: strings as they are, the rest as JSON; long ones cut with "…". */
export function shown(value: unknown): string {
  const text =
    value === undefined ? "(nothing: undefined)" : typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 1)}…` : text;
}
