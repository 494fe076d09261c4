/**
 * Save-time check of the credentials a workflow's nodes point at: each must be the saving user's and of a
 * type the node takes. (Run time checks again in `loadCredentialForStep`, since a credential can change
 * or disappear after the save.)
 */
import { getNodeType } from "../nodes/registry";
import * as store from "../storage/credentials";
import type { Db } from "../storage/db";

export interface NodeCredentialProblem {
  code: "credential_not_accepted" | "unknown_credential" | "credential_type_mismatch";
  nodeId: string;
  nodeName: string;
  credentialId: string;
  message: string;
}

export interface NodeWithCredential {
  id: string;
  name: string;
  type: string;
  credentialId?: string | null;
}

/** Every problem found (empty when all is well). Unknown node types are left to the graph validation. */
export async function checkNodeCredentials(
  db: Db,
  userId: string,
  nodes: readonly NodeWithCredential[],
): Promise<NodeCredentialProblem[]> {
  const withCredential = nodes.filter(
    (n): n is NodeWithCredential & { credentialId: string } => !!n.credentialId,
  );
  if (withCredential.length === 0) return [];
  const rows = await store.getCredentialsByIds(db, userId, [
    ...new Set(withCredential.map((n) => n.credentialId)),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const problems: NodeCredentialProblem[] = [];
  for (const n of withCredential) {
    const nodeType = getNodeType(n.type);
    if (!nodeType) continue;
    const problem = (code: NodeCredentialProblem["code"], message: string) =>
      problems.push({ code, nodeId: n.id, nodeName: n.name, credentialId: n.credentialId, message });
    const row = byId.get(n.credentialId);
    if (!nodeType.credential) {
      problem("credential_not_accepted", `Node "${n.name}": a ${n.type} node takes no credential`);
    } else if (!row) {
      problem("unknown_credential", `Node "${n.name}": credential ${n.credentialId} not found`);
    } else if (!nodeType.credential.types.includes(row.type)) {
      problem(
        "credential_type_mismatch",
        `Node "${n.name}": credential "${row.name}" is of type ${row.type}, but a ${n.type} node takes ` +
          nodeType.credential.types.join(" or "),
      );
    }
  }
  return problems;
}
