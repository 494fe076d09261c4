/**
 * credentialCipher: AES-256-GCM through WebCrypto for everything secret we keep in D1.
 *
 * - Master keys come from the Worker secret `CREDENTIAL_KEYS`: comma-separated `<keyId>:<base64 of 32 bytes>`,
 *   NEWEST FIRST. We encrypt with the first key and decrypt with whichever key id the row names, so a rotation
 *   (prepend a new key) keeps every existing row readable until it is re-encrypted.
 * - Every write uses a fresh random 12-byte IV (GCM is broken by IV reuse under one key).
 * - The ciphertext is bound to its row through GCM additional data (e.g. credential id + user id + type):
 *   copying one row's ciphertext into another row makes decryption fail instead of leaking it to another user.
 * - GCM authenticates: any change to the ciphertext, IV, key id or bound context throws
 *   `CredentialDecryptError`; a wrong key never yields garbage plaintext.
 */

/** What a row stores: which key, which IV, and the sealed bytes (IV and ciphertext as base64). */
export interface SealedValue {
  keyId: string;
  iv: string;
  ciphertext: string;
}

/** Decryption failed: tampered data, a different row's ciphertext, or a key id no longer configured. */
export class CredentialDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialDecryptError";
  }
}

/** `CREDENTIAL_KEYS` is missing or malformed: a configuration error, reported without echoing key bytes. */
export class CredentialKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialKeyConfigError";
  }
}

export interface Keyring {
  /** Id of the key new ciphertexts are written with (the first one listed). */
  newestKeyId: string;
  keys: ReadonlyMap<string, CryptoKey>;
}

const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
// Parsing imports keys (async); cache per configured value so each request does not redo it.
const keyringCache = new Map<string, Promise<Keyring>>();

/** The keyring configured in `env.CREDENTIAL_KEYS` (cached per value). */
export function keyringFromEnv(env: { CREDENTIAL_KEYS?: string }): Promise<Keyring> {
  const spec = env.CREDENTIAL_KEYS;
  if (!spec || !spec.trim()) {
    return Promise.reject(
      new CredentialKeyConfigError(
        "CREDENTIAL_KEYS is not set: add `<keyId>:<base64 32 bytes>` (npm run dev writes one into .dev.vars; " +
          "production: wrangler secret put CREDENTIAL_KEYS)",
      ),
    );
  }
  let keyring = keyringCache.get(spec);
  if (!keyring) {
    keyring = parseKeyring(spec);
    keyringCache.set(spec, keyring);
    keyring.catch(() => keyringCache.delete(spec));
  }
  return keyring;
}

/**
 * Parses `k2:<base64>,k1:<base64>` (newest first) into imported AES-GCM keys.
 * @example await parseKeyring("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
 */
export async function parseKeyring(spec: string): Promise<Keyring> {
  const entries = spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new CredentialKeyConfigError("CREDENTIAL_KEYS lists no key");
  const keys = new Map<string, CryptoKey>();
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(":");
    const keyId = colon > 0 ? entry.slice(0, colon) : "";
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new CredentialKeyConfigError(
        `CREDENTIAL_KEYS entry ${index + 1} must be <keyId>:<base64 32 bytes> (keyId of letters, digits, _ . -)`,
      );
    }
    if (keys.has(keyId)) throw new CredentialKeyConfigError(`CREDENTIAL_KEYS lists key id "${keyId}" twice`);
    let raw: Uint8Array;
    try {
      raw = base64ToBytes(entry.slice(colon + 1));
    } catch {
      throw new CredentialKeyConfigError(`CREDENTIAL_KEYS key "${keyId}" is not valid base64`);
    }
    if (raw.byteLength !== 32) {
      throw new CredentialKeyConfigError(
        `CREDENTIAL_KEYS key "${keyId}" must be 32 bytes (AES-256), got ${raw.byteLength}`,
      );
    }
    keys.set(keyId, await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  return { newestKeyId: entries[0].slice(0, entries[0].indexOf(":")), keys };
}

/** Encrypts `plaintext` with the newest key and a fresh IV, bound to `context` (additional data). */
export async function seal(keyring: Keyring, plaintext: string, context: string): Promise<SealedValue> {
  const keyId = keyring.newestKeyId;
  const key = keyring.keys.get(keyId)!;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(keyId, context) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return { keyId, iv: bytesToBase64(iv), ciphertext: bytesToBase64(new Uint8Array(sealed)) };
}

/** Decrypts a sealed value written for the same `context`; throws `CredentialDecryptError` on any mismatch. */
export async function open(keyring: Keyring, value: SealedValue, context: string): Promise<string> {
  const key = keyring.keys.get(value.keyId);
  if (!key) {
    throw new CredentialDecryptError(
      `Cannot decrypt: key id "${value.keyId}" is not in CREDENTIAL_KEYS (was it removed before rotating?)`,
    );
  }
  let iv: Uint8Array;
  let data: Uint8Array;
  try {
    iv = base64ToBytes(value.iv);
    data = base64ToBytes(value.ciphertext);
  } catch {
    throw new CredentialDecryptError("Cannot decrypt: the stored IV or ciphertext is not valid base64");
  }
  if (iv.byteLength !== 12) throw new CredentialDecryptError("Cannot decrypt: the stored IV is not 12 bytes");
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: additionalData(value.keyId, context) },
      key,
      data,
    );
    return new TextDecoder().decode(plain);
  } catch {
    // GCM's tag check failed: the bytes were changed, or they belong to another row/key.
    throw new CredentialDecryptError(
      "Cannot decrypt: the ciphertext failed its integrity check (tampered, or not written for this record)",
    );
  }
}

/** `seal` for a JSON value. */
export function sealJson(keyring: Keyring, value: unknown, context: string): Promise<SealedValue> {
  return seal(keyring, JSON.stringify(value), context);
}

/** `open` for a JSON value. */
export async function openJson<T = unknown>(
  keyring: Keyring,
  value: SealedValue,
  context: string,
): Promise<T> {
  const text = await open(keyring, value, context);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CredentialDecryptError("Cannot decrypt: the plaintext is not the JSON that was stored");
  }
}

/** The additional data of a credential row: its identity, so ciphertexts cannot move between rows. */
export function credentialContext(row: { id: string; userId: string; type: string }): string {
  return `credential\u0000${row.id}\u0000${row.userId}\u0000${row.type}`;
}

/** The additional data of a pending OAuth2 connect (the PKCE verifier is sealed with it). */
export function oauthStateContext(row: { state: string; userId: string; credentialId: string }): string {
  return `oauth_state\u0000${row.state}\u0000${row.userId}\u0000${row.credentialId}`;
}

// The key id is part of the authenticated data so a row cannot be relabelled to another key id.
function additionalData(keyId: string, context: string): Uint8Array {
  return new TextEncoder().encode(`nodebase/v1\u0000${keyId}\u0000${context}`);
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** URL-safe base64 without padding (OAuth2 `state`, PKCE). */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
