/**
 * OAuth2 token endpoint calls (authorization-code exchange with PKCE, refresh) and the refresh-once
 * logic used when a step needs a fresh access token.
 */
import type { Db } from "../storage/db";
import * as store from "../storage/credentials";
import type { CredentialRow } from "../storage/credentials";
import type { Keyring } from "./cipher";
import { privateHostReason } from "../net/private-host";
import { maskSecrets } from "./mask";
import { openSecrets, sealSecrets, type OAuth2Connection, type OAuth2Secrets } from "./vault";

/** Refresh when the token expires within this margin: a request started now must not carry a dying token. */
export const EXPIRY_MARGIN_MS = 60_000;
/** How long a refresh may hold the lease; a crashed holder blocks others at most this long. */
export const REFRESH_LEASE_MS = 30_000;
const WAIT_POLL_MS = 200;

export class OAuth2Error extends Error {
  constructor(
    message: string,
    readonly code: string = "oauth2_error",
    /** The credential concerned, when known (lets the callback send the person back to it). */
    readonly credentialId?: string,
  ) {
    super(message);
    this.name = "OAuth2Error";
  }
}

export interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  tokenType?: string;
  expiresInSeconds?: number;
  scope?: string;
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Outbound guard for provider endpoints: production only talks https to public hosts (the token URL is
 * user-supplied, so it must not become a way into the private network).
 */
export function assertProviderUrl(env: { NODEBASE_ENV?: string }, url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OAuth2Error(`The ${what} "${url}" is not a URL`, "oauth2_config");
  }
  if (env.NODEBASE_ENV === "production") {
    if (parsed.protocol !== "https:" || privateHostReason(parsed.hostname) !== null) {
      throw new OAuth2Error(`The ${what} must be an https URL on a public host`, "oauth2_config");
    }
  }
  return parsed;
}

/** Form fields of a token request that a provider's error text must never carry back to us. */
const SECRET_FORM_FIELDS = ["client_secret", "refresh_token", "code", "code_verifier"];

/**
 * POSTs a form to the token endpoint and reads the token answer (JSON, or GitHub's form encoding). An
 * error quotes the provider's `error` and `error_description` with every secret we sent masked: some
 * providers echo the refresh token or the client secret back in the description.
 */
export async function requestToken(
  fetchFn: FetchFn,
  tokenUrl: string,
  form: Record<string, string>,
): Promise<TokenResponse> {
  let res: Response;
  try {
    res = await fetchFn(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form).toString(),
    });
  } catch (err) {
    throw new OAuth2Error(`Token endpoint unreachable: ${(err as Error).message}`, "oauth2_token_failed");
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = Object.fromEntries(new URLSearchParams(text));
  }
  // Only the provider's error code and description are quoted: the raw body may carry tokens.
  if (!res.ok || typeof body.error === "string" || typeof body.access_token !== "string") {
    const sent = SECRET_FORM_FIELDS.map((field) => form[field]).filter((v) => typeof v === "string");
    const reason = maskSecrets(
      [body.error, body.error_description].filter((v) => typeof v === "string").join(": "),
      [...sent, ...sent.map((v) => encodeURIComponent(v))],
    );
    // A 4xx (revoked refresh token, bad client secret) will not heal by retrying; a 5xx may.
    throw new OAuth2Error(
      `Token endpoint answered ${res.status}${reason ? ` (${reason})` : " without an access_token"}`,
      res.status >= 400 && res.status < 500 ? "oauth2_token_rejected" : "oauth2_token_failed",
    );
  }
  const expiresIn = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : undefined,
    tokenType: typeof body.token_type === "string" ? body.token_type : undefined,
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
    scope: typeof body.scope === "string" ? body.scope : undefined,
  };
}

/** The secrets and readable metadata to store after a token answer (keeps the old refresh token if none came). */
export function applyTokens(
  secrets: OAuth2Secrets,
  tokens: TokenResponse,
  now: Date,
  previous?: OAuth2Connection,
): { secrets: OAuth2Secrets; connection: OAuth2Connection } {
  return {
    secrets: {
      ...secrets,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? secrets.refreshToken,
      tokenType: tokens.tokenType ?? secrets.tokenType,
    },
    connection: {
      connectedAt: previous?.connectedAt ?? now.toISOString(),
      expiresAt: tokens.expiresInSeconds
        ? new Date(now.getTime() + tokens.expiresInSeconds * 1000).toISOString()
        : null,
      scope: tokens.scope ?? previous?.scope,
    },
  };
}

export function connectionOf(row: CredentialRow): OAuth2Connection | undefined {
  return (row.publicData as { connection?: OAuth2Connection }).connection;
}

function needsRefresh(connection: OAuth2Connection | undefined, now: number): boolean {
  if (!connection?.expiresAt) return false;
  return Date.parse(connection.expiresAt) - EXPIRY_MARGIN_MS <= now;
}

/**
 * The OAuth2 secrets of `row` with an access token that is not about to expire. When it is, exactly one
 * caller refreshes it: callers race for a lease taken by a conditional UPDATE (D1 applies it atomically, so
 * one wins); the winner calls the token endpoint and stores the new tokens; the others poll the row until
 * its ciphertext changes and use the stored result. A holder that dies frees the lease when it expires.
 * This matters beyond saving a request: many providers rotate refresh tokens, so a second concurrent
 * refresh would use an already-invalidated token and fail.
 */
export async function freshOAuth2Secrets(
  env: { NODEBASE_ENV?: string },
  db: Db,
  keyring: Keyring,
  row: CredentialRow,
  fetchFn: FetchFn = fetch,
): Promise<{ row: CredentialRow; secrets: OAuth2Secrets }> {
  let current = row;
  let secrets = (await openSecrets(keyring, current)) as unknown as OAuth2Secrets;
  if (!secrets.accessToken) {
    throw new OAuth2Error(
      `OAuth2 credential "${row.name}" is not connected: open Credentials and press Connect`,
      "oauth2_not_connected",
    );
  }
  const deadline = Date.now() + REFRESH_LEASE_MS + 5_000;
  while (needsRefresh(connectionOf(current), Date.now())) {
    if (!secrets.refreshToken) {
      throw new OAuth2Error(
        `The access token of OAuth2 credential "${row.name}" expired and there is no refresh token: connect it again`,
        "oauth2_expired",
      );
    }
    const now = new Date();
    if (
      await store.takeRefreshLease(
        db,
        current.id,
        current.ciphertext,
        now,
        new Date(now.getTime() + REFRESH_LEASE_MS),
      )
    ) {
      try {
        const data = current.publicData as { clientId: string; tokenUrl: string };
        assertProviderUrl(env, data.tokenUrl, "token URL");
        const tokens = await requestToken(fetchFn, data.tokenUrl, {
          grant_type: "refresh_token",
          refresh_token: secrets.refreshToken,
          client_id: data.clientId,
          client_secret: secrets.clientSecret,
        });
        const next = applyTokens(secrets, tokens, new Date(), connectionOf(current));
        const sealed = await sealSecrets(
          keyring,
          current,
          next.secrets as unknown as Record<string, unknown>,
        );
        const publicData = { ...current.publicData, connection: next.connection };
        await store.saveRefreshedCredential(db, current.id, { publicData, ...sealed });
        return { row: { ...current, publicData, ...sealed, refreshLeaseUntil: null }, secrets: next.secrets };
      } catch (err) {
        await store.releaseRefreshLease(db, current.id);
        // Whatever failed (the provider, the network, storage), its text leaves here without a secret.
        if (err instanceof Error) {
          const values = [secrets.clientSecret, secrets.refreshToken, secrets.accessToken].filter(
            (v): v is string => typeof v === "string",
          );
          err.message = maskSecrets(err.message, values);
          if (err.stack) err.stack = maskSecrets(err.stack, values);
        }
        throw err;
      }
    }
    // Someone else holds the lease (or already refreshed): wait for the row to change.
    if (Date.now() > deadline) {
      throw new OAuth2Error(
        `Timed out waiting for another step to refresh "${row.name}"`,
        "oauth2_refresh_timeout",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    const latest = await store.getCredentialById(db, current.id);
    if (!latest) throw new OAuth2Error(`OAuth2 credential "${row.name}" was deleted`, "oauth2_deleted");
    if (latest.ciphertext !== current.ciphertext) {
      current = latest;
      secrets = (await openSecrets(keyring, current)) as unknown as OAuth2Secrets;
    } else {
      current = latest;
    }
  }
  return { row: current, secrets };
}
