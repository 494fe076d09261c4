/**
 * Queries behind the RSS trigger (triggers/rss-poll.ts): the active `rssTrigger` nodes, the per-node feed
 * state in `rss_feed` (whose `polled_at` doubles as the poll's lease), and the `rss:` claims in
 * `trigger_claim` that say which items were seen.
 */
import type { BatchItem } from "drizzle-orm/batch";
import { and, eq, inArray, like, lt, lte } from "drizzle-orm";
import type { Db } from "./db";
import { node, rssFeed, triggerClaim, workflow, workflowExecution } from "./schema";

export interface ActiveFeed {
  workflowId: string;
  userId: string;
  nodeId: string;
  parameters: Record<string, unknown>;
}

export interface FeedKey {
  workflowId: string;
  nodeId: string;
}

export type FeedState = typeof rssFeed.$inferSelect;

/** Claim keys of the RSS trigger start with this. */
export const RSS_CLAIM_PREFIX = "rss:";

/** Every rssTrigger node of an active workflow, read fresh on each tick. */
export async function listActiveFeeds(db: Db): Promise<ActiveFeed[]> {
  return db
    .select({
      workflowId: workflow.id,
      userId: workflow.userId,
      nodeId: node.id,
      parameters: node.parameters,
    })
    .from(node)
    .innerJoin(workflow, eq(workflow.id, node.workflowId))
    .where(and(eq(workflow.active, true), eq(node.type, "rssTrigger")));
}

/**
 * Takes the poll of minute `slot` when the last one began at least `intervalMs` earlier (or never): one
 * statement, so of two overlapping ticks exactly one gets the state back and polls; the other gets null.
 */
export async function leaseFeedPoll(
  db: Db,
  key: FeedKey,
  q: { url: string; slot: number; intervalMs: number },
): Promise<FeedState | null> {
  const rows = await db
    .insert(rssFeed)
    .values({ ...key, url: q.url, polledAt: q.slot })
    .onConflictDoUpdate({
      target: [rssFeed.workflowId, rssFeed.nodeId],
      set: { polledAt: q.slot },
      setWhere: lte(rssFeed.polledAt, q.slot - q.intervalMs),
    })
    .returning();
  return rows[0] ?? null;
}

export async function updateFeedState(
  db: Db,
  key: FeedKey,
  patch: Partial<Omit<FeedState, "workflowId" | "nodeId">>,
): Promise<void> {
  await db.update(rssFeed).set(patch).where(feedWhere(key));
}

export interface SeenItem {
  claimKey: string;
  /** The claim named a run whose record does not exist (yet): a start in flight, or one that was lost. */
  unsettled: boolean;
}

/** The `rss:` claims of a node, with whether each one's run was recorded. */
export async function listSeenItems(db: Db, key: FeedKey): Promise<SeenItem[]> {
  const rows = await db
    .select({
      claimKey: triggerClaim.claimKey,
      executionId: triggerClaim.executionId,
      recorded: workflowExecution.id,
    })
    .from(triggerClaim)
    .leftJoin(workflowExecution, eq(workflowExecution.id, triggerClaim.executionId))
    .where(and(claimsOf(key), like(triggerClaim.claimKey, `${RSS_CLAIM_PREFIX}%`)));
  return rows.map((r) => ({
    claimKey: r.claimKey,
    unsettled: r.executionId !== null && r.recorded === null,
  }));
}

/** Records items as seen without a run (the first poll); D1 binds at most 100 values per statement. */
export async function claimWithoutRuns(db: Db, key: FeedKey, claimKeys: string[]): Promise<void> {
  const statements: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < claimKeys.length; i += 20) {
    const rows = claimKeys.slice(i, i + 20).map((claimKey) => ({ ...key, claimKey, executionId: null }));
    statements.push(db.insert(triggerClaim).values(rows).onConflictDoNothing());
  }
  if (statements.length === 0) return;
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/**
 * Forgets `rss:` claims made before `before` whose item is no longer in the feed (`current`): an item that
 * left the feed does not come back, and one still in it must stay seen however old it is.
 */
export async function forgetGoneItems(
  db: Db,
  key: FeedKey,
  current: ReadonlySet<string>,
  before: Date,
): Promise<number> {
  const old = await db
    .select({ claimKey: triggerClaim.claimKey })
    .from(triggerClaim)
    .where(
      and(
        claimsOf(key),
        like(triggerClaim.claimKey, `${RSS_CLAIM_PREFIX}%`),
        lt(triggerClaim.createdAt, before),
      ),
    );
  const gone = old.map((r) => r.claimKey).filter((k) => !current.has(k));
  for (let i = 0; i < gone.length; i += 90) {
    await db
      .delete(triggerClaim)
      .where(and(claimsOf(key), inArray(triggerClaim.claimKey, gone.slice(i, i + 90))));
  }
  return gone.length;
}

/**
 * Forgets the feed state of a workflow of this user while it is inactive, so that its activation starts
 * the RSS triggers afresh (their first poll records the feed and starts nothing). Run before the update
 * that activates it; activating an active workflow changes nothing.
 */
export function deleteInactiveFeedStates(db: Db, userId: string, workflowId: string) {
  const inactive = db
    .select({ id: workflow.id })
    .from(workflow)
    .where(and(eq(workflow.id, workflowId), eq(workflow.userId, userId), eq(workflow.active, false)));
  return db.delete(rssFeed).where(inArray(rssFeed.workflowId, inactive));
}

function feedWhere(key: FeedKey) {
  return and(eq(rssFeed.workflowId, key.workflowId), eq(rssFeed.nodeId, key.nodeId));
}

function claimsOf(key: FeedKey) {
  return and(eq(triggerClaim.workflowId, key.workflowId), eq(triggerClaim.nodeId, key.nodeId));
}
