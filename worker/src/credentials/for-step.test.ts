import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../storage/db";
import { credential } from "../storage/schema";
import { keyringFromEnv } from "./cipher";
import {
  CredentialDecryptError,
  CredentialNotFoundError,
  CredentialTypeMismatchError,
  loadCredentialForStep,
  maskSecrets,
} from "./for-step";
import { createCredential } from "./vault";
import { insertUser } from "../../test/db-user";

async function stored(userId: string, type: string, data: Record<string, unknown>) {
  return createCredential(getDb(env.DB), await keyringFromEnv(env), userId, { name: type, type, data });
}

describe("loadCredentialForStep", () => {
  it("decrypts the owner's credential with everything to mask, including derived encodings", async () => {
    const userId = await insertUser();
    const row = await stored(userId, "httpBasicAuth", { user: "alice", password: "pässword/1" });
    const loaded = await loadCredentialForStep(env, {
      userId,
      credentialId: row.id,
      acceptedTypes: ["httpBearerAuth", "httpBasicAuth"],
    });
    expect(loaded).toMatchObject({ type: "httpBasicAuth", data: { user: "alice", password: "pässword/1" } });
    const basic = "YWxpY2U6cMOkc3N3b3JkLzE="; // base64("alice:pässword/1") in UTF-8
    expect(loaded.secretValues).toEqual(expect.arrayContaining(["pässword/1", "p%C3%A4ssword%2F1", basic]));
    expect(maskSecrets({ authorization: `Basic ${basic}` }, loaded.secretValues)).toEqual({
      authorization: "Basic ***",
    });
  });

  it("refuses another user's, a missing, and a wrong-type credential with clear errors", async () => {
    const owner = await insertUser();
    const other = await insertUser();
    const row = await stored(owner, "httpBearerAuth", { token: "tok-owned" });
    const load = (userId: string, credentialId: string, acceptedTypes: string[]) =>
      loadCredentialForStep(env, { userId, credentialId, acceptedTypes });
    await expect(load(other, row.id, ["httpBearerAuth"])).rejects.toBeInstanceOf(CredentialNotFoundError);
    await expect(load(owner, "missing", ["httpBearerAuth"])).rejects.toThrow("Credential missing not found");
    const wrong = await load(owner, row.id, ["openai"]).catch((e) => e);
    expect(wrong).toBeInstanceOf(CredentialTypeMismatchError);
    expect(wrong.message).toBe(
      `Credential ${row.id} is of type "httpBearerAuth", but this node takes "openai"`,
    );
  });

  it("fails clearly when the stored ciphertext was tampered with or moved to another row", async () => {
    const userId = await insertUser();
    const a = await stored(userId, "httpBearerAuth", { token: "tok-row-a" });
    const b = await stored(userId, "httpBearerAuth", { token: "tok-row-b" });
    const db = getDb(env.DB);
    // Swap: row b now holds row a's sealed bytes (same user, same type).
    await db
      .update(credential)
      .set({ keyId: a.keyId, iv: a.iv, ciphertext: a.ciphertext })
      .where(eq(credential.id, b.id));
    const swapped = await loadCredentialForStep(env, {
      userId,
      credentialId: b.id,
      acceptedTypes: ["httpBearerAuth"],
    }).catch((e) => e);
    expect(swapped).toBeInstanceOf(CredentialDecryptError);
    expect(swapped.message).toMatch(/integrity check/);
    expect(swapped.message).not.toContain("tok-row");
  });
});
