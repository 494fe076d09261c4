/** Maps the credentials module's errors (which know nothing of HTTP) to API errors. */
import { CredentialDecryptError, CredentialKeyConfigError } from "../credentials/cipher";
import { OAuth2Error } from "../credentials/oauth2";
import { CredentialInputError, CredentialNotFoundError } from "../credentials/vault";
import { checkNodeCredentials, type NodeWithCredential } from "../credentials/node-check";
import type { Db } from "../storage/db";
import { ApiError, notFound } from "./errors";

export function toCredentialApiError(err: unknown): unknown {
  if (err instanceof CredentialInputError)
    return new ApiError(400, "invalid_request", err.message, err.issues);
  if (err instanceof CredentialNotFoundError) return notFound("Credential");
  // Server-side faults, but with a message an operator can act on (no key material or plaintext in it).
  if (err instanceof CredentialDecryptError)
    return new ApiError(500, "credential_decrypt_failed", err.message);
  if (err instanceof CredentialKeyConfigError)
    return new ApiError(500, "credential_keys_missing", err.message);
  if (err instanceof OAuth2Error) {
    const status = err.code.startsWith("oauth2_token_")
      ? 502
      : err.code === "oauth2_refresh_timeout"
        ? 503
        : 400;
    return new ApiError(status, err.code, err.message);
  }
  return err;
}

/**
 * Refuses a workflow save whose nodes use another user's credential or one of a type they do not take:
 * 422 `invalid_workflow` naming each node (field `credentialId`), the same shape as the graph checks.
 */
export async function assertNodeCredentials(db: Db, userId: string, nodes: readonly NodeWithCredential[]) {
  const problems = await checkNodeCredentials(db, userId, nodes);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  throw new ApiError(
    422,
    "invalid_workflow",
    `${problems[0].message}${more}`,
    problems.map((p) => ({
      code: p.code,
      nodeId: p.nodeId,
      nodeName: p.nodeName,
      field: "credentialId",
      message: p.message,
    })),
  );
}
