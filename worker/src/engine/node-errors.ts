/**
 * How a node's failure is told: the error text people read, and the failures a retry cannot fix (thrown as
 * `NonRetryableError`, so Workflows fails the step at once instead of spending its retries).
 */
import { NonRetryableError } from "cloudflare:workflows";
import { getNodeType } from "../nodes/registry";
import type { NodeType } from "../nodes/node-type";
import type { SnapshotNode } from "./snapshot";

export function errorMessage(err: unknown): string {
  // Workflows prefixes the message of a NonRetryableError that crossed a step boundary; people need only the reason.
  if (err instanceof Error) return (err.message || err.name).replace(/^NonRetryableError:?\s*/, "");
  return typeof err === "string" ? err : JSON.stringify(err);
}

/** The node's type from the registry; an unknown type can never run, so it fails without retries. */
export function requireNodeType(node: SnapshotNode): NodeType {
  const nodeType = getNodeType(node.type);
  if (!nodeType) throw new NonRetryableError(`Node "${node.name}" has an unknown type '${node.type}'`);
  return nodeType;
}
