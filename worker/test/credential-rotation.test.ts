/**
 * Key rotation through the operator route: old keys keep decrypting, a rotation re-encrypts every
 * credential with the newest key, after which the old key can be removed.
 */
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bytesToBase64 } from "../src/credentials/cipher";
import { loadCredentialForStep } from "../src/credentials/for-step";
import { createApp } from "../src/http/app";
import { getDb } from "../src/storage/db";
import { credential } from "../src/storage/schema";
import { signUp } from "./helpers";

const OLD_KEYS = env.CREDENTIAL_KEYS; // "k1:…" from vitest.config.ts
const NEW_KEY = `k2:${bytesToBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
const ROTATION_TOKEN = "rotation-token-for-tests-0123456789";

/** The Worker's app with other secrets, as an operator would configure them after `wrangler secret put`. */
function appWith(vars: Partial<Env> & { ROTATION_TOKEN?: string }) {
  const app = createApp();
  return (path: string, init: RequestInit = {}) => app.request(path, init, { ...env, ...vars });
}

const rotate = (call: ReturnType<typeof appWith>, body: unknown, token = ROTATION_TOKEN) =>
  call("/api/admin/credentials/rotate", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("credential key rotation", () => {
  it("re-encrypts every credential with the newest key, in batches, keeping them readable", async () => {
    const user = await signUp();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await user.fetch("/api/credentials", {
        method: "POST",
        json: { name: `Tok ${i}`, type: "httpBearerAuth", data: { token: `rotating-token-${i}` } },
      });
      ids.push((await res.json<{ id: string }>()).id);
    }
    const rotated = `${NEW_KEY},${OLD_KEYS}`;
    // With the new key prepended but before rotating, old rows still decrypt.
    const before = await loadCredentialForStep(
      { ...env, CREDENTIAL_KEYS: rotated },
      { userId: user.userId, credentialId: ids[0], acceptedTypes: ["httpBearerAuth"] },
    );
    expect(before.data.token).toBe("rotating-token-0");

    const call = appWith({ CREDENTIAL_KEYS: rotated, ROTATION_TOKEN });
    let after: string | undefined;
    let reencrypted = 0;
    let batches = 0;
    do {
      const res = await rotate(call, { limit: 2, after });
      expect(res.status).toBe(200);
      const batch = await res.json<any>();
      expect(batch.newestKeyId).toBe("k2");
      expect(batch.failed).toEqual([]);
      reencrypted += batch.reencrypted;
      after = batch.next ?? undefined;
      batches++;
    } while (after);
    expect(batches).toBeGreaterThan(1);
    expect(reencrypted).toBeGreaterThanOrEqual(3);

    const rows = await getDb(env.DB).select().from(credential).where(inArray(credential.id, ids));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.keyId === "k2")).toBe(true);
    // Old key removed: everything still decrypts with the new key alone.
    for (const [i, id] of ids.entries()) {
      const loaded = await loadCredentialForStep(
        { ...env, CREDENTIAL_KEYS: NEW_KEY },
        { userId: user.userId, credentialId: id, acceptedTypes: ["httpBearerAuth"] },
      );
      expect(loaded.data.token).toBe(`rotating-token-${i}`);
    }
    // A second run has nothing left to do.
    const again = await (await rotate(call, {})).json<any>();
    expect(again).toMatchObject({ reencrypted: 0, remaining: 0, next: null });
  });

  it("reports rows it cannot decrypt instead of writing garbage", async () => {
    const user = await signUp();
    const res = await user.fetch("/api/credentials", {
      method: "POST",
      json: { name: "Tok", type: "httpBearerAuth", data: { token: "unreadable-later" } },
    });
    const { id } = await res.json<{ id: string }>();
    // The key that wrote it is missing from the configured keys (removed before rotating).
    const other = `k9:${bytesToBase64(new Uint8Array(32).fill(9))}`;
    const batch = await (await rotate(appWith({ CREDENTIAL_KEYS: other, ROTATION_TOKEN }), {})).json<any>();
    expect(batch.failed).toContainEqual({
      id,
      error: expect.stringMatching(/key id "k1" is not in CREDENTIAL_KEYS/),
    });
    const [row] = await getDb(env.DB).select().from(credential).where(eq(credential.id, id));
    expect(row.keyId).toBe("k1");
  });

  it("is closed without the right token, and absent when ROTATION_TOKEN is not configured", async () => {
    const configured = appWith({ CREDENTIAL_KEYS: `${NEW_KEY},${OLD_KEYS}`, ROTATION_TOKEN });
    expect((await rotate(configured, {}, "wrong-token")).status).toBe(401);
    expect((await configured("/api/admin/credentials/rotate", { method: "POST" })).status).toBe(401);
    expect((await rotate(appWith({ ROTATION_TOKEN: undefined }), {})).status).toBe(404);
  });
});
