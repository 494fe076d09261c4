/** A node's parameters for one attempt: expressions evaluated, then checked against the node type's schema. */
import { NonRetryableError } from "cloudflare:workflows";
import type { NodeType } from "../nodes/node-type";
import { ExpressionError, resolveParameters, type ExpressionScope } from "./expressions";
import type { SnapshotNode } from "./snapshot";

/** Throws `NonRetryableError` naming the node (and field) when an expression or the schema fails. */
export async function resolveNodeParameters(nodeType: NodeType, node: SnapshotNode, scope: ExpressionScope) {
  let resolved: unknown;
  const { literal, evaluated } = splitLiteralParameters(nodeType, node.parameters ?? {});
  try {
    resolved = { ...((await resolveParameters(evaluated, scope, node.name)) as object), ...literal };
  } catch (err) {
    // Evaluating the same expression on the same data fails the same way: retrying cannot help.
    if (err instanceof ExpressionError) throw new NonRetryableError(err.message);
    throw err;
  }
  const parsed = nodeType.parameters.safeParse(resolved);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new NonRetryableError(`Invalid parameters for node "${node.name}": ${issues}`);
  }
  return parsed.data;
}

/** Separates the parameters a node type takes as written (`literalParameters`) from those with expressions. */
function splitLiteralParameters(nodeType: NodeType, parameters: Record<string, unknown>) {
  const literal: Record<string, unknown> = {};
  const evaluated: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (nodeType.literalParameters?.includes(name)) literal[name] = value;
    else evaluated[name] = value;
  }
  return { literal, evaluated };
}
