/**
 * The credential vault: validates credential data against its type, splits it into readable and secret
 * parts, seals the secret part (credentialCipher) and turns rows into what the API may show.
 * The HTTP layer, the OAuth2 flow, rotation and `loadCredentialForStep` all go through here.
 */
import type { z } from "zod";
import type { Db } from "../storage/db";
import * as store from "../storage/credentials";
import type { CredentialRow } from "../storage/credentials";
import {
  bytesToBase64,
  credentialContext,
  openJson,
  sealJson,
  type Keyring,
  type SealedValue,
} from "./cipher";
import { secretUrlParts } from "./mask";
import { getCredentialType, normalizeCredentialData, splitSecrets, type CredentialTypeDef } from "./types";

/** Credential data that does not fit its type. `issues` name the fields (paths start with `data`). */
export class CredentialInputError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string[]; message: string }[],
  ) {
    super(message);
    this.name = "CredentialInputError";
  }
}

/** No such credential for this user (another user's credential is reported the same way). */
export class CredentialNotFoundError extends Error {
  constructor(readonly credentialId: string) {
    super(`Credential ${credentialId} not found`);
    this.name = "CredentialNotFoundError";
  }
}

/** OAuth2 token metadata kept readable (not secret) so the SPA can show the connection state. */
export interface OAuth2Connection {
  connectedAt: string;
  /** ISO time the access token expires, or null when the provider gave no lifetime. */
  expiresAt: string | null;
  scope?: string;
}

/** Secret part of an OAuth2 credential: the client secret from the form plus tokens from the connect flow. */
export interface OAuth2Secrets {
  clientSecret: string;
  accessToken?: string;
  refreshToken?: string;
  tokenType?: string;
}

/** What the API shows for a credential: metadata and non-secret fields, never a secret one. */
export interface CredentialView {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
  data: Record<string, unknown>;
  /** OAuth2 only: null until Connect succeeded. */
  connection?: OAuth2Connection | null;
}

export function credentialView(row: CredentialRow): CredentialView {
  const { connection, ...data } = row.publicData as Record<string, unknown> & {
    connection?: OAuth2Connection;
  };
  const view: CredentialView = {
    id: row.id,
    name: row.name,
    type: row.type,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    data,
  };
  if (row.type === "oauth2") view.connection = connection ?? null;
  return view;
}

export function sealedOf(row: Pick<CredentialRow, "keyId" | "iv" | "ciphertext">): SealedValue {
  return { keyId: row.keyId, iv: row.iv, ciphertext: row.ciphertext };
}

/** Decrypts the secret part of a row. Throws `CredentialDecryptError` if it was tampered with. */
export function openSecrets(keyring: Keyring, row: CredentialRow): Promise<Record<string, unknown>> {
  return openJson<Record<string, unknown>>(keyring, sealedOf(row), credentialContext(row));
}

export function sealSecrets(
  keyring: Keyring,
  row: Pick<CredentialRow, "id" | "userId" | "type">,
  secrets: Record<string, unknown>,
): Promise<SealedValue> {
  return sealJson(keyring, secrets, credentialContext(row));
}

function validate(def: CredentialTypeDef, data: Record<string, unknown>): Record<string, unknown> {
  const parsed = (def.schema as z.ZodType).safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: ["data", ...i.path.map(String)],
      message: i.message,
    }));
    throw new CredentialInputError(
      `Invalid ${def.type} credential: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return normalizeCredentialData(def.type, parsed.data as Record<string, unknown>);
}

function typeOrThrow(type: string): CredentialTypeDef {
  const def = getCredentialType(type);
  if (!def) {
    throw new CredentialInputError(`Unknown credential type "${type}"`, [
      { path: ["type"], message: "unknown credential type" },
    ]);
  }
  return def;
}

export async function createCredential(
  db: Db,
  keyring: Keyring,
  userId: string,
  input: { name: string; type: string; data: Record<string, unknown> },
): Promise<CredentialRow> {
  const def = typeOrThrow(input.type);
  const { publicData, secretData } = splitSecrets(def, validate(def, input.data));
  const id = crypto.randomUUID();
  const sealed = await sealSecrets(keyring, { id, userId, type: def.type }, secretData);
  const now = new Date();
  return store.insertCredential(db, {
    id,
    userId,
    name: input.name,
    type: def.type,
    publicData,
    ...sealed,
    createdAt: now,
    updatedAt: now,
  });
}

/**
 * Merges an update into the stored data. Non-secret fields: a value replaces, `null` or "" removes.
 * Secret fields: a non-empty value replaces; absent or "" keeps the stored secret (the form leaves them
 * blank); `null` removes (only valid where the type allows it). The result is validated as a whole.
 */
export async function updateCredential(
  db: Db,
  keyring: Keyring,
  userId: string,
  id: string,
  input: { name?: string; data?: Record<string, unknown> },
): Promise<CredentialRow> {
  // Two attempts: the write is conditional on the ciphertext we merged from, so a token refresh that
  // lands in between is re-read and kept rather than overwritten.
  for (let attempt = 0; ; attempt++) {
    const row = await store.getCredential(db, userId, id);
    if (!row) throw new CredentialNotFoundError(id);
    const def = typeOrThrow(row.type);
    const secrets = await openSecrets(keyring, row);
    const formFields = Object.keys(def.schema.shape);
    const merged: Record<string, unknown> = {};
    for (const field of formFields) {
      const stored = def.secretFields.includes(field) ? secrets[field] : row.publicData[field];
      if (stored !== undefined) merged[field] = stored;
    }
    for (const [field, value] of Object.entries(input.data ?? {})) {
      const secret = def.secretFields.includes(field);
      if (value === null || (value === "" && !secret)) delete merged[field];
      else if (value !== "" && value !== undefined) merged[field] = value;
    }
    const { publicData, secretData } = splitSecrets(def, validate(def, merged));
    // Keep what only the server writes (OAuth2 tokens and their metadata).
    const serverSecrets = Object.fromEntries(
      Object.entries(secrets).filter(([k]) => !formFields.includes(k)),
    );
    const connection = (row.publicData as { connection?: unknown }).connection;
    const sealed = await sealSecrets(keyring, row, { ...serverSecrets, ...secretData });
    const updated = await store.updateCredential(db, userId, id, row.ciphertext, {
      name: input.name ?? row.name,
      publicData: connection === undefined ? publicData : { ...publicData, connection },
      ...sealed,
    });
    if (updated) return updated;
    if (attempt >= 2) throw new Error(`Credential ${id} kept changing while it was being updated; try again`);
  }
}

/**
 * Every string a step must never record for this credential: each secret value, plus the encodings a
 * node derives from them (Basic auth's base64 of `user:password`, URL-encoded forms).
 */
export function secretValuesOf(
  type: string,
  data: Record<string, unknown>,
  secretFields: string[],
): string[] {
  const values = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value !== "string" || value === "") return;
    values.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) values.add(encoded);
    for (const part of secretUrlParts(value)) values.add(part);
  };
  for (const field of secretFields) add(data[field]);
  if (type === "httpBasicAuth" && typeof data.user === "string" && typeof data.password === "string") {
    add(bytesToBase64(new TextEncoder().encode(`${data.user}:${data.password}`)));
  }
  // Longest first so a secret containing another is masked whole.
  return [...values].sort((a, b) => b.length - a.length);
}
