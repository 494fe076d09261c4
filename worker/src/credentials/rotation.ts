/**
 * Key rotation: re-encrypts stored secrets with the newest key in CREDENTIAL_KEYS. Runs inside the Worker
 * (the only place that holds the keys), in batches, called by `npm run credentials:rotate` through the
 * operator route in http/credential-rotation.ts. Each write is a compare-and-swap on the old ciphertext,
 * so an edit or token refresh that happens meanwhile is kept, not overwritten; the next batch picks the
 * row up again if it still needs it.
 */
import type { Db } from "../storage/db";
import * as store from "../storage/credentials";
import { oauthStateContext, open, seal, type Keyring } from "./cipher";
import { openSecrets, sealSecrets } from "./vault";

export interface RotationBatchResult {
  newestKeyId: string;
  /** Rows now under the newest key. */
  reencrypted: number;
  /** Rows that could not be decrypted (their key id is gone, or they were tampered with). */
  failed: { id: string; error: string }[];
  /** Pass back as `after` for the next batch; null when this batch reached the end. */
  next: string | null;
  /** Credentials still under an older key (including failed ones). */
  remaining: number;
}

export async function rotateCredentialBatch(
  db: Db,
  keyring: Keyring,
  opts: { limit: number; after?: string },
): Promise<RotationBatchResult> {
  const rows = await store.credentialsNotUnderKey(db, keyring.newestKeyId, opts.limit, opts.after);
  let reencrypted = 0;
  const failed: RotationBatchResult["failed"] = [];
  for (const row of rows) {
    try {
      const secrets = await openSecrets(keyring, row);
      const sealed = await sealSecrets(keyring, row, secrets);
      if (await store.replaceCiphertextIfUnchanged(db, row.id, row.ciphertext, sealed)) reencrypted++;
    } catch (err) {
      failed.push({ id: row.id, error: (err as Error).message });
    }
  }
  // Pending OAuth2 connects live ten minutes; re-seal them too so an old key can be dropped right away.
  if (!opts.after) {
    for (const state of await store.oauthStatesNotUnderKey(db, keyring.newestKeyId)) {
      try {
        const context = oauthStateContext(state);
        const verifier = await open(
          keyring,
          { keyId: state.keyId, iv: state.iv, ciphertext: state.verifierCiphertext },
          context,
        );
        const sealed = await seal(keyring, verifier, context);
        await store.replaceOAuthStateSealed(db, state.state, {
          keyId: sealed.keyId,
          iv: sealed.iv,
          verifierCiphertext: sealed.ciphertext,
        });
      } catch {
        // An unreadable pending connect is useless anyway: the person simply presses Connect again.
        await store.deleteOAuthState(db, state.state);
      }
    }
  }
  return {
    newestKeyId: keyring.newestKeyId,
    reencrypted,
    failed,
    next: rows.length === opts.limit ? rows[rows.length - 1].id : null,
    remaining: await store.countCredentialsNotUnderKey(db, keyring.newestKeyId),
  };
}
