/**
 * Credential and OAuth2-state queries. Every user-facing query is scoped by `userId`; the few that are not
 * (rotation, lease handling by id after an owner check) say so.
 */
import { and, asc, eq, gt, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "./db";
import { afterCursor, newestFirst, toPage, type PageCursor } from "./pagination";
import { credential, node, oauthState, workflow } from "./schema";

export type CredentialRow = typeof credential.$inferSelect;
export type OAuthStateRow = typeof oauthState.$inferSelect;

export async function insertCredential(db: Db, row: typeof credential.$inferInsert): Promise<CredentialRow> {
  const [inserted] = await db.insert(credential).values(row).returning();
  return inserted;
}

export async function getCredential(db: Db, userId: string, id: string): Promise<CredentialRow | undefined> {
  return db
    .select()
    .from(credential)
    .where(and(eq(credential.id, id), eq(credential.userId, userId)))
    .get();
}

export async function getCredentialsByIds(db: Db, userId: string, ids: string[]): Promise<CredentialRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(credential)
    .where(and(eq(credential.userId, userId), inArray(credential.id, ids)));
}

/** The user's credentials, newest first, optionally of one type. */
export async function listCredentials(
  db: Db,
  userId: string,
  opts: { type?: string; limit: number; cursor?: PageCursor },
) {
  const rows = await db
    .select()
    .from(credential)
    .where(
      and(
        eq(credential.userId, userId),
        opts.type ? eq(credential.type, opts.type) : undefined,
        afterCursor(credential.createdAt, credential.id, opts.cursor),
      ),
    )
    .orderBy(...newestFirst(credential.createdAt, credential.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit);
}

/**
 * Replaces name/data/ciphertext of the user's credential if it still holds `expectedCiphertext` (the
 * secrets the caller merged from). Undefined when it is not theirs or changed meanwhile.
 */
export async function updateCredential(
  db: Db,
  userId: string,
  id: string,
  expectedCiphertext: string,
  patch: Pick<CredentialRow, "name" | "publicData" | "keyId" | "iv" | "ciphertext">,
): Promise<CredentialRow | undefined> {
  const [row] = await db
    .update(credential)
    .set({ ...patch, updatedAt: new Date() })
    .where(
      and(
        eq(credential.id, id),
        eq(credential.userId, userId),
        eq(credential.ciphertext, expectedCiphertext),
      ),
    )
    .returning();
  return row;
}

/** The user's workflows with at least one node that uses the credential. */
export async function workflowsUsingCredential(
  db: Db,
  userId: string,
  credentialId: string,
): Promise<{ id: string; name: string }[]> {
  return db
    .selectDistinct({ id: workflow.id, name: workflow.name })
    .from(node)
    .innerJoin(workflow, eq(workflow.id, node.workflowId))
    .where(and(eq(node.credentialId, credentialId), eq(workflow.userId, userId)))
    .orderBy(workflow.name);
}

/** Deletes the credential and detaches it from the user's nodes, in one batch. False when not theirs. */
export async function deleteCredential(db: Db, userId: string, id: string): Promise<boolean> {
  const owned = db.select({ id: workflow.id }).from(workflow).where(eq(workflow.userId, userId));
  const [, deleted] = await db.batch([
    db
      .update(node)
      .set({ credentialId: null })
      .where(and(eq(node.credentialId, id), inArray(node.workflowId, owned))),
    db
      .delete(credential)
      .where(and(eq(credential.id, id), eq(credential.userId, userId)))
      .returning({ id: credential.id }),
  ]);
  return deleted.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Rotation (operator-wide, not scoped to a user: guarded by ROTATION_TOKEN at the route).
// ---------------------------------------------------------------------------------------------

/** Rows sealed with another key than `keyId`, by id, after `afterId` (batches walk the table once). */
export async function credentialsNotUnderKey(
  db: Db,
  keyId: string,
  limit: number,
  afterId?: string,
): Promise<CredentialRow[]> {
  return db
    .select()
    .from(credential)
    .where(and(ne(credential.keyId, keyId), afterId ? gt(credential.id, afterId) : undefined))
    .orderBy(asc(credential.id))
    .limit(limit);
}

export async function countCredentialsNotUnderKey(db: Db, keyId: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(credential)
    .where(ne(credential.keyId, keyId))
    .get();
  return row?.n ?? 0;
}

/**
 * Compare-and-swap of the sealed value: writes only if the row still holds `expectedCiphertext`, so a
 * concurrent edit or token refresh is never overwritten with older secrets. Returns whether it wrote.
 */
export async function replaceCiphertextIfUnchanged(
  db: Db,
  id: string,
  expectedCiphertext: string,
  sealed: Pick<CredentialRow, "keyId" | "iv" | "ciphertext">,
): Promise<boolean> {
  const rows = await db
    .update(credential)
    .set(sealed)
    .where(and(eq(credential.id, id), eq(credential.ciphertext, expectedCiphertext)))
    .returning({ id: credential.id });
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// OAuth2 token refresh lease.
// ---------------------------------------------------------------------------------------------

/**
 * Takes the refresh lease if nobody holds a live one and the row still has the tokens the caller saw.
 * D1 runs each statement atomically, so exactly one concurrent caller gets `true`.
 */
export async function takeRefreshLease(
  db: Db,
  id: string,
  seenCiphertext: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const rows = await db
    .update(credential)
    .set({ refreshLeaseUntil: until })
    .where(
      and(
        eq(credential.id, id),
        eq(credential.ciphertext, seenCiphertext),
        or(isNull(credential.refreshLeaseUntil), lte(credential.refreshLeaseUntil, now)),
      ),
    )
    .returning({ id: credential.id });
  return rows.length > 0;
}

/** Stores refreshed tokens and releases the lease. */
export async function saveRefreshedCredential(
  db: Db,
  id: string,
  patch: Pick<CredentialRow, "publicData" | "keyId" | "iv" | "ciphertext">,
): Promise<void> {
  await db
    .update(credential)
    .set({ ...patch, refreshLeaseUntil: null, updatedAt: new Date() })
    .where(eq(credential.id, id));
}

export async function releaseRefreshLease(db: Db, id: string): Promise<void> {
  await db.update(credential).set({ refreshLeaseUntil: null }).where(eq(credential.id, id));
}

/** Reads a credential by id only: used after the owner check, to watch another step's refresh land. */
export async function getCredentialById(db: Db, id: string): Promise<CredentialRow | undefined> {
  return db.select().from(credential).where(eq(credential.id, id)).get();
}

// ---------------------------------------------------------------------------------------------
// OAuth2 connect state.
// ---------------------------------------------------------------------------------------------

export async function insertOAuthState(db: Db, row: typeof oauthState.$inferInsert): Promise<void> {
  await db.insert(oauthState).values(row);
}

/**
 * Consumes a state: deletes it and returns it in one statement, so it can be used once even when two
 * callbacks race. Only the user who started the connect can consume it.
 */
export async function consumeOAuthState(
  db: Db,
  state: string,
  userId: string,
): Promise<OAuthStateRow | undefined> {
  const rows = await db
    .delete(oauthState)
    .where(and(eq(oauthState.state, state), eq(oauthState.userId, userId)))
    .returning();
  return rows[0];
}

export async function deleteExpiredOAuthStates(db: Db, now: Date): Promise<void> {
  await db.delete(oauthState).where(lt(oauthState.expiresAt, now));
}

export async function oauthStatesNotUnderKey(db: Db, keyId: string): Promise<OAuthStateRow[]> {
  return db.select().from(oauthState).where(ne(oauthState.keyId, keyId));
}

export async function replaceOAuthStateSealed(
  db: Db,
  state: string,
  sealed: { keyId: string; iv: string; verifierCiphertext: string },
): Promise<void> {
  await db.update(oauthState).set(sealed).where(eq(oauthState.state, state));
}

export async function deleteOAuthState(db: Db, state: string): Promise<void> {
  await db.delete(oauthState).where(eq(oauthState.state, state));
}
