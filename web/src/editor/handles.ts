/**
 * Output handles of a node. Fixed for most types (`main`, or `true`/`false` for `if`); for a type whose
 * outputs depend on its parameters (`switch`: one per rule plus the fallback) they are read from the
 * parameters generically: every item of a list parameter that names an `output`, then a `fallback`.
 */
import type { JsonSchema } from "./json-schema";

/** What handles need of a node type: a structural part of `NodeTypeInfo` (GET /api/node-types). */
export interface NodeOutputsInfo {
  category?: string;
  parameters?: JsonSchema;
  outputs?: readonly string[] | null;
  dynamicOutputs?: unknown;
  trigger?: string | null;
}

export function outputHandles(
  info: NodeOutputsInfo | undefined,
  parameters: Record<string, unknown>,
): string[] {
  if (!info) return ["main"];
  if (Array.isArray(info.outputs) && info.outputs.length > 0 && !info.dynamicOutputs)
    return [...info.outputs];
  const handles: string[] = [];
  const add = (name: unknown) => {
    if (typeof name === "string" && name && !handles.includes(name)) handles.push(name);
  };
  const properties = info.parameters?.properties ?? {};
  for (const [field, schema] of Object.entries(properties)) {
    if (schema.type !== "array" || !hasOutputProperty(schema.items)) continue;
    const items = Array.isArray(parameters[field]) ? (parameters[field] as unknown[]) : [];
    for (const item of items) add((item as { output?: unknown } | null)?.output);
  }
  if ("fallback" in properties) add(parameters.fallback ?? properties.fallback.default ?? "fallback");
  if (handles.length === 0)
    return Array.isArray(info.outputs) && info.outputs.length ? info.outputs : ["main"];
  return handles;
}

/**
 * The handles a node shows: its type's outputs, plus `error` when it routes failures there
 * (`onError: "errorOutput"`, the same rule the server checks edges against).
 */
export function nodeHandles(
  info: NodeOutputsInfo | undefined,
  node: { parameters?: Record<string, unknown>; onError?: string | null },
): string[] {
  const handles = outputHandles(info, node.parameters ?? {});
  return node.onError === "errorOutput" && !handles.includes("error") ? [...handles, "error"] : handles;
}

function hasOutputProperty(schema: JsonSchema | undefined): boolean {
  return Boolean(schema?.properties && "output" in schema.properties);
}

/** Trigger nodes start a run: they have no input handle. */
export function hasInputHandle(info: NodeOutputsInfo | undefined): boolean {
  return !info?.trigger && info?.category !== "trigger";
}
