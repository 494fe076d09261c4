import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  bytesToBase64,
  CredentialDecryptError,
  CredentialKeyConfigError,
  credentialContext,
  keyringFromEnv,
  open,
  openJson,
  parseKeyring,
  seal,
  sealJson,
} from "./cipher";

const key = (fill: number) => bytesToBase64(new Uint8Array(32).fill(fill));
const K1 = `k1:${key(1)}`;
const K2 = `k2:${key(2)}`;
const rowA = credentialContext({ id: "cred-a", userId: "user-1", type: "httpBearerAuth" });
const rowB = credentialContext({ id: "cred-b", userId: "user-1", type: "httpBearerAuth" });

describe("credentialCipher", () => {
  it("round-trips text and JSON under the newest key", async () => {
    const keyring = await parseKeyring(`${K2},${K1}`);
    const sealed = await seal(keyring, "sk-live-123", rowA);
    expect(sealed.keyId).toBe("k2");
    expect(sealed.ciphertext).not.toContain("sk-live");
    expect(await open(keyring, sealed, rowA)).toBe("sk-live-123");
    const json = await sealJson(keyring, { token: "t0k3n", n: 1 }, rowA);
    expect(await openJson(keyring, json, rowA)).toEqual({ token: "t0k3n", n: 1 });
  });

  it("uses a fresh 12-byte IV for every write", async () => {
    const keyring = await parseKeyring(K1);
    const a = await seal(keyring, "same secret", rowA);
    const b = await seal(keyring, "same secret", rowA);
    expect(base64ToBytes(a.iv).byteLength).toBe(12);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("keeps decrypting with an old key after a new one is prepended", async () => {
    const before = await parseKeyring(K1);
    const sealed = await seal(before, "old secret", rowA);
    const after = await parseKeyring(`${K2},${K1}`);
    expect(after.newestKeyId).toBe("k2");
    expect(await open(after, sealed, rowA)).toBe("old secret");
    // Once the old key is removed, the old row fails clearly instead of decrypting to garbage.
    const onlyNew = await parseKeyring(K2);
    await expect(open(onlyNew, sealed, rowA)).rejects.toThrow(/key id "k1" is not in CREDENTIAL_KEYS/);
  });

  it("refuses tampered ciphertext, IV, key id and another row's context", async () => {
    const keyring = await parseKeyring(`${K2},${K1}`);
    const sealed = await seal(keyring, "secret-value", rowA);
    const bytes = base64ToBytes(sealed.ciphertext);
    bytes[0] ^= 1;
    const flippedCiphertext = { ...sealed, ciphertext: bytesToBase64(bytes) };
    const iv = base64ToBytes(sealed.iv);
    iv[11] ^= 1;
    const flippedIv = { ...sealed, iv: bytesToBase64(iv) };
    const relabelled = { ...sealed, keyId: "k1" };
    for (const bad of [flippedCiphertext, flippedIv, relabelled]) {
      const err = await open(keyring, bad, rowA).catch((e) => e);
      expect(err).toBeInstanceOf(CredentialDecryptError);
      expect(err.message).toMatch(/integrity check/);
    }
    // The same bytes copied into another row (AAD swap) do not open there.
    await expect(open(keyring, sealed, rowB)).rejects.toBeInstanceOf(CredentialDecryptError);
    await expect(open(keyring, { ...sealed, iv: "AAAA" }, rowA)).rejects.toThrow(/IV is not 12 bytes/);
    await expect(open(keyring, { ...sealed, keyId: "nope" }, rowA)).rejects.toThrow(/key id "nope"/);
  });

  it("explains a missing or malformed CREDENTIAL_KEYS without echoing key material", async () => {
    await expect(keyringFromEnv({})).rejects.toBeInstanceOf(CredentialKeyConfigError);
    await expect(keyringFromEnv({ CREDENTIAL_KEYS: " " })).rejects.toThrow(/CREDENTIAL_KEYS is not set/);
    await expect(parseKeyring("k1:c2hvcnQ=")).rejects.toThrow(/must be 32 bytes/);
    await expect(parseKeyring(`${K1},${K1}`)).rejects.toThrow(/twice/);
    const err = await parseKeyring(`bad key:${key(3)}`).catch((e) => e);
    expect(err.message).not.toContain(key(3));
  });
});
