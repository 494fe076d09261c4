/** Maps the credentials module's errors (which know nothing of HTTP) to API errors. */
import { CredentialDecryptError, CredentialKeyConfigError } from "../credentials/cipher";
import { OAuth2Error } from "../credentials/oauth2";
import { CredentialInputError, CredentialNotFoundError } from "../credentials/vault";
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
    const status =
      err.code === "oauth2_token_failed" ? 502 : err.code === "oauth2_refresh_timeout" ? 503 : 400;
    return new ApiError(status, err.code, err.message);
  }
  return err;
}
