/**
 * The OAuth2 "Connect" flow (authorization code + PKCE S256):
 *   connect  → a `state` = random part + HMAC(AUTH_SECRET, random | userId), stored in `oauth_state` with the
 *              PKCE verifier (encrypted) for ten minutes; the browser goes to the provider's authUrl.
 *   callback → the state's signature must match the signed-in user, then the row is consumed (deleted and
 *              read in one statement: single use), the code is exchanged with the verifier, and the tokens
 *              are stored encrypted in the credential.
 */
import type { Db } from "../storage/db";
import * as store from "../storage/credentials";
import { bytesToBase64Url, oauthStateContext, open, seal, type Keyring } from "./cipher";
import { applyTokens, assertProviderUrl, OAuth2Error, requestToken } from "./oauth2";
import { oauth2Presets, type OAuth2Preset } from "./types";
import { CredentialNotFoundError, openSecrets, sealSecrets, type OAuth2Secrets } from "./vault";

export const STATE_TTL_MS = 10 * 60_000;
export const CALLBACK_PATH = "/api/integrations/oauth2/callback";

interface OAuth2Config {
  preset?: string;
  clientId: string;
  authUrl: string;
  tokenUrl: string;
  scopes?: string;
}

async function oauth2Credential(db: Db, userId: string, credentialId: string) {
  const row = await store.getCredential(db, userId, credentialId);
  if (!row) throw new CredentialNotFoundError(credentialId);
  if (row.type !== "oauth2") {
    throw new OAuth2Error(`Credential "${row.name}" is of type ${row.type}, not oauth2`, "not_oauth2");
  }
  return { row, config: row.publicData as unknown as OAuth2Config };
}

async function stateSignature(authSecret: string, random: string, userId: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(authSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`oauth2-state\u0000${random}\u0000${userId}`),
  );
  return bytesToBase64Url(new Uint8Array(mac));
}

async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return bytesToBase64Url(new Uint8Array(digest));
}

/** Creates a pending connect and returns the provider URL to send the browser to. */
export async function startOAuth2Connect(
  env: { AUTH_SECRET: string; NODEBASE_ENV?: string },
  db: Db,
  keyring: Keyring,
  req: { userId: string; credentialId: string; origin: string; now?: Date },
): Promise<URL> {
  const { row, config } = await oauth2Credential(db, req.userId, req.credentialId);
  const authUrl = assertProviderUrl(env, config.authUrl, "authorization URL");
  const now = req.now ?? new Date();
  const random = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = `${random}.${await stateSignature(env.AUTH_SECRET, random, req.userId)}`;
  const verifier = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(48)));
  const sealed = await seal(
    keyring,
    verifier,
    oauthStateContext({ state, userId: req.userId, credentialId: row.id }),
  );
  await store.deleteExpiredOAuthStates(db, now);
  await store.insertOAuthState(db, {
    state,
    userId: req.userId,
    credentialId: row.id,
    keyId: sealed.keyId,
    iv: sealed.iv,
    verifierCiphertext: sealed.ciphertext,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    createdAt: now,
  });
  const preset = oauth2Presets[config.preset as OAuth2Preset] as
    (typeof oauth2Presets)[OAuth2Preset] | undefined;
  const url = new URL(authUrl);
  const params: Record<string, string> = {
    ...(preset?.authParams ?? {}),
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: req.origin + CALLBACK_PATH,
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: "S256",
  };
  if (config.scopes?.trim()) params.scope = config.scopes.trim();
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

/**
 * Validates and consumes `state`, exchanges `code` and stores the tokens. Returns the credential id.
 * Throws `OAuth2Error` with code `invalid_oauth_state` for a state that is forged, someone else's, used,
 * or expired.
 */
export async function completeOAuth2Connect(
  env: { AUTH_SECRET: string; NODEBASE_ENV?: string },
  db: Db,
  keyring: Keyring,
  req: {
    userId: string;
    state: string;
    /** The code, or the provider's `error` (the person declined) when there is none. */
    code?: string;
    providerError?: string;
    origin: string;
    fetch?: typeof fetch;
    now?: Date;
  },
): Promise<string> {
  const invalid = (why: string) =>
    new OAuth2Error(`OAuth2 state ${why}: start again with Connect`, "invalid_oauth_state");
  const [random, signature] = req.state.split(".");
  if (!random || !signature || signature !== (await stateSignature(env.AUTH_SECRET, random, req.userId))) {
    throw invalid("is not one issued to you");
  }
  const pending = await store.consumeOAuthState(db, req.state, req.userId);
  if (!pending) throw invalid("was already used or is unknown");
  const now = req.now ?? new Date();
  if (pending.expiresAt.getTime() <= now.getTime()) throw invalid("expired");
  if (!req.code) {
    const reason = req.providerError ? `the provider answered "${req.providerError}"` : "no code came back";
    throw new OAuth2Error(`Connect did not complete: ${reason}`, "oauth2_denied", pending.credentialId);
  }
  const verifier = await open(
    keyring,
    { keyId: pending.keyId, iv: pending.iv, ciphertext: pending.verifierCiphertext },
    oauthStateContext(pending),
  );
  const { row, config } = await oauth2Credential(db, req.userId, pending.credentialId);
  assertProviderUrl(env, config.tokenUrl, "token URL");
  const secrets = (await openSecrets(keyring, row)) as unknown as OAuth2Secrets;
  const tokens = await requestToken(req.fetch ?? fetch, config.tokenUrl, {
    grant_type: "authorization_code",
    code: req.code,
    redirect_uri: req.origin + CALLBACK_PATH,
    client_id: config.clientId,
    client_secret: secrets.clientSecret,
    code_verifier: verifier,
  }).catch((err) => {
    throw err instanceof OAuth2Error ? new OAuth2Error(err.message, err.code, row.id) : err;
  });
  // A fresh connection: the previous connectedAt does not carry over.
  const next = applyTokens(secrets, tokens, now, undefined);
  const sealed = await sealSecrets(keyring, row, next.secrets as unknown as Record<string, unknown>);
  await store.saveRefreshedCredential(db, row.id, {
    publicData: { ...row.publicData, connection: next.connection },
    ...sealed,
  });
  return row.id;
}
