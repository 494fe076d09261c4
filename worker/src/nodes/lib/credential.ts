/**
 * Reads a node's decrypted credential with the zod schema of the fields the node uses. A missing or
 * malformed credential fails the node with a message naming the service and the fields (never a value).
 * (Saving a workflow already refuses a credential of the wrong type; this guards run time, when a
 * credential may have changed since.)
 */
import type { z } from "zod";
import type { NodeRunContext } from "../node-type";

export function readCredential<S extends z.ZodType>(
  credential: NodeRunContext<unknown>["credential"],
  schema: S,
  service: string,
  needs: string,
): z.infer<S> {
  if (!credential) throw new Error(`${service} needs a credential with ${needs}`);
  const parsed = schema.safeParse(credential.data);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(credential)"))];
    throw new Error(`${service} credential must hold ${needs} (check: ${fields.join(", ")})`);
  }
  return parsed.data;
}
