/**
 * CREDENTIALS CALL SITE: the one place a node's credential is loaded and decrypted, inside its step. The
 * decrypted data goes to the node as `ctx.credential` and nowhere else; `secretValues` are masked out of
 * what the attempt records (masking.ts). Problems that a retry cannot fix (missing, another user's, wrong
 * type, cannot be decrypted, not connected) fail the node at once with a message naming it.
 */
import { NonRetryableError } from "cloudflare:workflows";
import {
  isPermanentCredentialError,
  loadCredentialForStep,
  type StepCredential,
} from "../credentials/for-step";
import type { NodeType } from "../nodes/node-type";
import type { RunRef } from "./run-ref";
import type { SnapshotNode } from "./snapshot";

export async function credentialForStep(
  ref: RunRef,
  node: SnapshotNode,
  nodeType: NodeType,
  outboundFetch: typeof fetch,
): Promise<StepCredential | undefined> {
  if (!node.credentialId) {
    if (nodeType.credential?.required) {
      throw new NonRetryableError(
        `Node "${node.name}" needs a credential (${nodeType.credential.types.join(" or ")})`,
      );
    }
    return undefined;
  }
  if (!nodeType.credential) {
    throw new NonRetryableError(`Node "${node.name}": a ${node.type} node takes no credential`);
  }
  try {
    return await loadCredentialForStep(ref.env, {
      userId: ref.userId,
      credentialId: node.credentialId,
      acceptedTypes: nodeType.credential.types,
      fetch: outboundFetch,
    });
  } catch (err) {
    if (isPermanentCredentialError(err))
      throw new NonRetryableError(`Node "${node.name}": ${(err as Error).message}`);
    throw err;
  }
}
