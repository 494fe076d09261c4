/**
 * Whole-document validation before a save: shape (zod), graph (graph.ts) and node types (registry).
 * Returns every problem found, each naming its node or edge and field, so the editor can show them all.
 *
 * Parameters are checked against the node type's zod schema as stored. A field whose value is a string
 * holding a `{{ }}` expression is let through here: its value exists only at run time, where the engine
 * checks the resolved parameters against the same schema.
 */
import { hasExpression, listExpressions } from "./expressions";
import { describeIssue, fieldLabel } from "./problem-text";
import { z } from "zod";
import { getNodeType } from "../nodes/registry";
import { RESPOND_TO_WEBHOOK_TYPE } from "../nodes/respond-to-webhook";
import { WEBHOOK_TRIGGER_TYPE } from "../nodes/webhook-trigger";
import type { NodeType } from "../nodes/node-type";
import {
  findCycles,
  findDanglingEdges,
  findDuplicateEdgeIds,
  findDuplicateNodeIds,
  findDuplicateNodeNames,
  findParallelEdges,
} from "./graph";
import { findLeakingEdges } from "./loop-graph";
import {
  ERROR_HANDLE,
  WorkflowDocumentSchema,
  type DocumentProblem,
  type WorkflowDocument,
} from "./workflow-document";

export type ValidationResult =
  { ok: true; document: WorkflowDocument } | { ok: false; problems: DocumentProblem[] };

/** Finds a node type by id; the registry's `getNodeType` unless a test passes its own. */
export type NodeTypeLookup = (type: string) => NodeType | undefined;

export function validateWorkflowDocument(
  input: unknown,
  lookup: NodeTypeLookup = getNodeType,
): ValidationResult {
  const parsed = WorkflowDocumentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: shapeProblems(input, parsed.error) };
  const doc = parsed.data;
  const problems = [
    ...findDuplicateNodeIds(doc.nodes),
    ...findDuplicateNodeNames(doc.nodes),
    ...findDuplicateEdgeIds(doc.edges),
    ...findDanglingEdges(doc.nodes, doc.edges),
    ...findParallelEdges(doc.edges),
    ...findCycles(doc.nodes, doc.edges),
    ...nodeTypeProblems(doc, lookup),
    ...responseNodeProblems(doc),
    ...findLeakingEdges(
      doc.nodes.map((n) => ({ id: n.id, name: n.name, loopHandle: lookup(n.type)?.loopHandle })),
      doc.edges,
    ),
  ];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, document: doc };
}

/** Unknown types, bad parameters, handles the source node does not have, inputs into triggers, no trigger. */
function nodeTypeProblems(doc: WorkflowDocument, lookup: NodeTypeLookup): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const outputsById = new Map<string, readonly string[]>();
  const typeById = new Map<string, NodeType>();
  for (const n of doc.nodes) {
    const ref = { nodeId: n.id, nodeName: n.name };
    const type = lookup(n.type);
    if (!type) {
      problems.push({
        code: "unknown_node_type",
        message: `Unknown node type '${n.type}'`,
        ...ref,
        field: "type",
      });
      continue;
    }
    typeById.set(n.id, type);
    problems.push(...expressionProblems(n, type));
    const params = type.parameters.safeParse(n.parameters);
    // A field that holds a `{{ }}` expression is checked when it runs, once its value is known
    // (`"seconds": "{{ $json.delay }}"` is a valid number-to-be), so its issues are not save errors.
    const issues = params.success
      ? []
      : params.error.issues.filter((issue) => !holdsExpression(n.parameters, issue.path));
    if (issues.length > 0) {
      for (const issue of issues) {
        const field = ["parameters", ...issue.path.map(String)].join(".");
        problems.push({
          code: "invalid_parameter",
          message: `${n.name}: ${describeIssue(issue, type.parameters, n.parameters)}`,
          ...ref,
          field,
        });
      }
      continue;
    }
    const outputs =
      typeof type.outputs === "function" ? dynamicOutputs(type, params.data ?? n.parameters) : type.outputs;
    if (outputs) outputsById.set(n.id, n.onError === "errorOutput" ? [...outputs, ERROR_HANDLE] : outputs);
  }

  const nameById = new Map(doc.nodes.map((n) => [n.id, n.name]));
  for (const e of doc.edges) {
    const outputs = outputsById.get(e.source);
    if (outputs && !outputs.includes(e.sourceHandle)) {
      problems.push({
        code: "invalid_handle",
        message: `Edge '${e.id}': node '${nameById.get(e.source)}' has no output '${e.sourceHandle}' (it has: ${outputs.join(", ") || "none"})`,
        edgeId: e.id,
        nodeId: e.source,
        nodeName: nameById.get(e.source),
        field: "sourceHandle",
      });
    }
    if (typeById.get(e.target)?.trigger) {
      problems.push({
        code: "edge_into_trigger",
        message: `Edge '${e.id}' leads into trigger '${nameById.get(e.target)}'; triggers start a run and take no input`,
        edgeId: e.id,
        nodeId: e.target,
        nodeName: nameById.get(e.target),
        field: "target",
      });
    }
  }

  // An empty document is a draft (a new workflow); anything with nodes needs something to start it.
  if (doc.nodes.length > 0 && ![...typeById.values()].some((t) => t.trigger)) {
    problems.push({ code: "no_trigger", message: "A workflow needs at least one trigger node" });
  }
  return problems;
}

/**
 * A webhook trigger on `respond: "responseNode"` needs a respondToWebhook node on its way (reachable
 * along the edges); without one every call would wait for an answer nothing sends (n8n fails such a run
 * when it starts; refusing the save says it earlier). A respondToWebhook node anywhere else is allowed:
 * it passes through and says so in its step's logs.
 */
export function responseNodeProblems(doc: Pick<WorkflowDocument, "nodes" | "edges">): DocumentProblem[] {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const typeOf = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const reachesResponder = (start: string) => {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      for (const id of next.get(queue.shift()!) ?? []) {
        if (typeOf.get(id) === RESPOND_TO_WEBHOOK_TYPE) return true;
        if (seen.has(id)) continue;
        seen.add(id);
        queue.push(id);
      }
    }
    return false;
  };
  return doc.nodes
    .filter((n) => n.type === WEBHOOK_TRIGGER_TYPE && n.parameters.respond === "responseNode")
    .filter((n) => !reachesResponder(n.id))
    .map((n) => ({
      code: "invalid_parameter",
      message: `${n.name}: Respond: "When a Respond to Webhook node runs" needs a Respond to Webhook node after this trigger; add one, or answer when the last node finishes`,
      nodeId: n.id,
      nodeName: n.name,
      field: "parameters.respond",
    }));
}

/**
 * `{{ }}` expressions that do not parse are refused at save, on their field, instead of failing the run
 * later: `{{ $json.n * }}` → "Set: Fields › total: the expression {{ $json.n * }} does not parse: …".
 */
function expressionProblems(n: WorkflowDocument["nodes"][number], type: NodeType): DocumentProblem[] {
  // Parameters a type takes as written (a code node's JavaScript) hold no expressions.
  const literal = new Set(type.literalParameters ?? []);
  const withExpressions = Object.fromEntries(
    Object.entries(n.parameters).filter(([name]) => !literal.has(name)),
  );
  return listExpressions(withExpressions).flatMap((ref) => {
    if (!ref.error) return [];
    const path = ref.path
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".")
      .filter(Boolean)
      .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
    return [
      {
        code: "invalid_expression",
        message: `${n.name}: ${fieldLabel(type.parameters, path)}: the expression {{ ${ref.expression} }} does not parse: ${ref.error}`,
        nodeId: n.id,
        nodeName: n.name,
        field: ["parameters", ...path.map(String)].join("."),
      },
    ];
  });
}

/** zod issues on the document's shape, with the node or edge they concern named. */
function shapeProblems(input: unknown, error: z.ZodError): DocumentProblem[] {
  const doc = (typeof input === "object" && input !== null ? input : {}) as {
    nodes?: { id?: unknown; name?: unknown }[];
    edges?: { id?: unknown }[];
  };
  return error.issues.map((issue) => {
    const [top, index, ...rest] = issue.path;
    const problem: DocumentProblem = {
      code: "invalid_document",
      message: "",
      field: issue.path.map(String).join("."),
    };
    if (top === "nodes" && typeof index === "number") {
      const n = Array.isArray(doc.nodes) ? doc.nodes[index] : undefined;
      if (typeof n?.id === "string") problem.nodeId = n.id;
      if (typeof n?.name === "string") problem.nodeName = n.name;
      problem.field = rest.map(String).join(".") || undefined;
    } else if (top === "edges" && typeof index === "number") {
      const e = Array.isArray(doc.edges) ? doc.edges[index] : undefined;
      if (typeof e?.id === "string") problem.edgeId = e.id;
      problem.field = rest.map(String).join(".") || undefined;
    }
    const text = describeIssue(issue, WorkflowDocumentSchema, input);
    problem.message = problem.nodeName?.trim() ? `${problem.nodeName}: ${text}` : text;
    if (problem.field === undefined) delete problem.field;
    return problem;
  });
}

/** Nodes whose type needs a credential that is not set: fine for a draft, refused at activation. */
export function missingRequiredCredentials(doc: WorkflowDocument): DocumentProblem[] {
  return doc.nodes
    .filter((n) => getNodeType(n.type)?.credential?.required && !n.credentialId)
    .map((n) => ({
      code: "credential_required",
      message: `Node '${n.name}' needs a credential`,
      nodeId: n.id,
      nodeName: n.name,
      field: "credentialId",
    }));
}

export function hasTrigger(doc: Pick<WorkflowDocument, "nodes">): boolean {
  return doc.nodes.some((n) => getNodeType(n.type)?.trigger);
}

/** Trigger kinds that are called over HTTP and so get a server-assigned `webhookId`. */
export const URL_TRIGGERS: ReadonlySet<string> = new Set(["webhook", "stripe", "googleForm", "github"]);

export function needsWebhookId(type: string): boolean {
  const trigger = getNodeType(type)?.trigger;
  return trigger !== undefined && URL_TRIGGERS.has(trigger);
}

/** True when the parameter at `path` (or one of its parents) is a string containing a `{{ }}` expression. */
function holdsExpression(parameters: unknown, path: readonly PropertyKey[]): boolean {
  let value: unknown = parameters;
  for (const key of path) {
    if (typeof value === "string") break;
    if (value === null || typeof value !== "object") return false;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return typeof value === "string" && hasExpression(value);
}

/** Outputs that depend on parameters; unknown (no handle check) when they cannot be read before a run. */
function dynamicOutputs(type: NodeType, params: unknown): readonly string[] | undefined {
  try {
    return (type.outputs as (p: unknown) => string[])(params);
  } catch {
    return undefined;
  }
}
