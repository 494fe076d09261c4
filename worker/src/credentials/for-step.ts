/**
 * The one place run-time code obtains decrypted credential data. Call it ONLY inside the `step.do` of the
 * node that uses the credential, hand `data` to the node as `ctx.credential`, and pass everything the step
 * records (input, output, error) through `maskSecrets(value, secretValues)`. Never return `data` from the
 * step: step results are persisted by Workflows. (The one other caller is webhook intake, which must check
 * a trigger's signature or shared secret before any run exists; it records none of the data.)
 */
import { getDb } from "../storage/db";
import * as store from "../storage/credentials";
import { CredentialDecryptError, CredentialKeyConfigError, keyringFromEnv } from "./cipher";
import { freshOAuth2Secrets, OAuth2Error } from "./oauth2";
import { getCredentialType } from "./types";
import { CredentialNotFoundError, openSecrets, secretValuesOf } from "./vault";

export { maskSecrets } from "./mask";
export { CredentialDecryptError } from "./cipher";
export { OAuth2Error } from "./oauth2";
export { CredentialNotFoundError } from "./vault";

/** The credential exists but is of a type the node does not take. */
export class CredentialTypeMismatchError extends Error {
  constructor(
    readonly credentialId: string,
    readonly actualType: string,
    readonly acceptedTypes: readonly string[],
  ) {
    super(
      `Credential ${credentialId} is of type "${actualType}", but this node takes ${acceptedTypes
        .map((t) => `"${t}"`)
        .join(" or ")}`,
    );
    this.name = "CredentialTypeMismatchError";
  }
}

export interface StepCredential {
  type: string;
  /** Non-secret and secret fields together (for `oauth2`: the form fields plus `accessToken`, `tokenType`). */
  data: Record<string, unknown>;
  /** Every string to mask in what the step records. */
  secretValues: string[];
}

/**
 * Loads and decrypts the user's credential for a node. Another user's or a missing credential is
 * `CredentialNotFoundError`; a type outside `acceptedTypes` is `CredentialTypeMismatchError`; damaged
 * ciphertext is `CredentialDecryptError`. OAuth2 access tokens about to expire are refreshed first (once,
 * even when several steps ask at the same moment; see `freshOAuth2Secrets`).
 */
export async function loadCredentialForStep(
  env: Env,
  req: { userId: string; credentialId: string; acceptedTypes: readonly string[]; fetch?: typeof fetch },
): Promise<StepCredential> {
  const db = getDb(env.DB);
  const row = await store.getCredential(db, req.userId, req.credentialId);
  if (!row) throw new CredentialNotFoundError(req.credentialId);
  if (!req.acceptedTypes.includes(row.type)) {
    throw new CredentialTypeMismatchError(row.id, row.type, req.acceptedTypes);
  }
  const def = getCredentialType(row.type);
  if (!def) throw new CredentialTypeMismatchError(row.id, row.type, req.acceptedTypes);
  const keyring = await keyringFromEnv(env);
  const { connection: _connection, ...publicData } = row.publicData as Record<string, unknown>;

  if (def.oauth2) {
    const { secrets } = await freshOAuth2Secrets(env, db, keyring, row, req.fetch ?? fetch);
    const secretValues = secretValuesOf(row.type, secrets as unknown as Record<string, unknown>, [
      "clientSecret",
      "accessToken",
      "refreshToken",
    ]);
    return {
      type: row.type,
      // The node needs only the access token; the client secret and refresh token stay here.
      data: { ...publicData, accessToken: secrets.accessToken, tokenType: secrets.tokenType ?? "Bearer" },
      secretValues,
    };
  }

  const secrets = await openSecrets(keyring, row);
  const data = { ...publicData, ...secrets };
  return { type: row.type, data, secretValues: secretValuesOf(row.type, data, [...def.secretFields]) };
}

/**
 * True for failures a retry cannot fix: the credential is missing, someone else's, of the wrong type,
 * undecryptable, misconfigured, or an OAuth2 connection that needs a person to reconnect. A token
 * endpoint that is down (`oauth2_token_failed`) or a refresh still running elsewhere is worth retrying.
 */
export function isPermanentCredentialError(err: unknown): boolean {
  if (err instanceof OAuth2Error)
    return !["oauth2_token_failed", "oauth2_refresh_timeout"].includes(err.code);
  return (
    err instanceof CredentialNotFoundError ||
    err instanceof CredentialTypeMismatchError ||
    err instanceof CredentialDecryptError ||
    err instanceof CredentialKeyConfigError
  );
}
