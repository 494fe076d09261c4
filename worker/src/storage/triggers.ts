/**
 * Queries behind the triggers: finding the node a webhook URL belongs to, the active schedules, and the
 * once-only claims (`trigger_claim`) that make a schedule slot or a Stripe event start at most one run.
 */
import { and, eq, fillPlaceholders, like, lt, notExists, sql, type Placeholder } from "drizzle-orm";
import type { Db } from "./db";
import { windowUpsert, type WindowCount } from "./rate-limits";
import { node, rateLimit, triggerClaim, workflow, workflowExecution } from "./schema";

export interface WebhookTarget {
  workflow: {
    id: string;
    userId: string;
    active: boolean;
    version: number;
    liveUntil: number | null;
    /** The workflow's pins: a test-URL run uses them. */
    pinData: Record<string, unknown> | null;
    /** The workflow's settings (its `executionMode` decides how the run is started). */
    settings: Record<string, unknown> | null;
  };
  node: {
    id: string;
    name: string;
    type: string;
    parameters: Record<string, unknown>;
    credentialId: string | null;
  };
}

/**
 * The saved node that owns `webhookId` with its workflow (null when no node has it), and a hit on the owner's `<prefix><userId>` rate-limit counter in one round trip
 * (the lookup is the caller's first read; the counter write would be a second). The call is counted only
 * when it could start a run: `live` URLs of inactive workflows are not counted, as they answer 404.
 */
export async function findWebhookTargetCounted(
  db: Db,
  webhookId: string,
  counter: { prefix: string; windowMs: number; live: boolean; now?: number },
): Promise<{ target: WebhookTarget | null; hit: WindowCount | null }> {
  const now = counter.now ?? Date.now();
  const plan = lookupPlan(db, counter.live);
  const values = { webhookId, prefix: counter.prefix, now, resetAt: now + counter.windowMs };
  const [rows, hits] = await db.$client.batch([plan.target.bind(values), plan.count.bind(values)]);
  return {
    target: toWebhookTarget(plan.target.map(rows) as WebhookTargetRow[]),
    hit: (plan.count.map(hits) as WindowCount[])[0] ?? null,
  };
}

/**
 * Every webhook call runs these two statements, so their SQL is built once per handle (and `live` flag),
 * with placeholders, instead of by drizzle on each call: that build was 0.2–0.3 ms of a call's CPU in
 * workerd, ~6 % of a fast Webhook → Set run (docs/benchmarks.md). Drizzle still maps the rows.
 */
const plans = new WeakMap<Db, Map<boolean, ReturnType<typeof buildLookupPlan>>>();

function lookupPlan(db: Db, live: boolean) {
  let byLive = plans.get(db);
  if (!byLive) plans.set(db, (byLive = new Map()));
  let plan = byLive.get(live);
  if (!plan) byLive.set(live, (plan = buildLookupPlan(db, live)));
  return plan;
}

function buildLookupPlan(db: Db, live: boolean) {
  const webhookId = sql.placeholder("webhookId");
  const now = sql.placeholder("now");
  // INSERT … SELECT: the counter's key is the owner read by this statement; no owner, nothing counted.
  const owner = db
    .select({
      key: sql<string>`${sql.placeholder("prefix")} || ${workflow.userId}`.as("key"),
      count: sql<number>`1`.as("count"),
      resetAt: sql<number>`${sql.placeholder("resetAt")}`.as("reset_at"),
    })
    .from(node)
    .innerJoin(workflow, eq(workflow.id, node.workflowId))
    .where(and(eq(node.webhookId, webhookId), live ? eq(workflow.active, true) : undefined))
    .limit(1);
  const count = db
    .insert(rateLimit)
    .select(owner)
    .onConflictDoUpdate(windowUpsert(now, sql.placeholder("resetAt")))
    .returning({ count: rateLimit.count, resetAt: rateLimit.resetAt });
  const target = webhookTargetQuery(db, webhookId);
  return { target: builtOnce(db, target.prepare()), count: builtOnce(db, count.prepare()) };
}

function webhookTargetQuery(db: Db, webhookId: Placeholder) {
  return db
    .select({
      workflowId: workflow.id,
      userId: workflow.userId,
      active: workflow.active,
      version: workflow.version,
      liveUntil: workflow.liveUntil,
      pinData: workflow.pinData,
      settings: workflow.settings,
      // Aliased: a batch returns rows as objects, where two columns named `id` would collide.
      nodeId: sql<string>`${node.id}`.as("node_id"),
      name: node.name,
      type: node.type,
      parameters: node.parameters,
      credentialId: node.credentialId,
    })
    .from(node)
    .innerJoin(workflow, eq(workflow.id, node.workflowId))
    .where(eq(node.webhookId, webhookId))
    .limit(1);
}

type WebhookTargetRow = Awaited<ReturnType<typeof webhookTargetQuery>>[number];

/** A drizzle statement's SQL prepared on D1 once; `bind` fills its placeholders, `map` reads a batch result as drizzle would. */
function builtOnce(
  db: Db,
  prepared: {
    getQuery(): { sql: string; params: unknown[] };
    mapAllResult(rows: unknown, isFromBatch?: boolean): unknown;
  },
) {
  const query = prepared.getQuery();
  const statement = db.$client.prepare(query.sql);
  return {
    bind: (values: Record<string, unknown>) => statement.bind(...fillPlaceholders(query.params, values)),
    map: (result: unknown) => prepared.mapAllResult(result, true),
  };
}

function toWebhookTarget(rows: WebhookTargetRow[]): WebhookTarget | null {
  const row = rows[0];
  if (!row) return null;
  return {
    workflow: {
      id: row.workflowId,
      userId: row.userId,
      active: row.active,
      version: row.version,
      liveUntil: row.liveUntil,
      pinData: row.pinData ?? null,
      settings: row.settings,
    },
    node: {
      id: row.nodeId,
      name: row.name,
      type: row.type,
      parameters: row.parameters,
      credentialId: row.credentialId,
    },
  };
}

export interface ActiveSchedule {
  workflowId: string;
  userId: string;
  /** When the workflow was last saved or (de)activated: a missed slot before it never fires. */
  workflowUpdatedAt: Date;
  nodeId: string;
  parameters: Record<string, unknown>;
}

/** Every scheduleTrigger node of an active workflow, read fresh on each tick. */
export async function listActiveSchedules(db: Db): Promise<ActiveSchedule[]> {
  return db
    .select({
      workflowId: workflow.id,
      userId: workflow.userId,
      workflowUpdatedAt: workflow.updatedAt,
      nodeId: node.id,
      parameters: node.parameters,
    })
    .from(node)
    .innerJoin(workflow, eq(workflow.id, node.workflowId))
    .where(and(eq(workflow.active, true), eq(node.type, "scheduleTrigger")));
}

export interface ClaimKey {
  workflowId: string;
  nodeId: string;
  /** `schedule:<slot ISO>` or `stripe:<event id>`. */
  claimKey: string;
}

/**
 * Claims a key; true for exactly one caller. The INSERT either writes the row or does nothing because the
 * primary key exists, and D1 reports which: there is no window between a check and an insert.
 * `executionId` names the run the claimer will start (with that id), so that a claim whose run never got
 * recorded can be told apart and released (engine/reconciler.ts).
 */
export async function claimTrigger(db: Db, key: ClaimKey, executionId?: string): Promise<boolean> {
  const result = await db
    .insert(triggerClaim)
    .values({ ...key, executionId: executionId ?? null })
    .onConflictDoNothing()
    .run();
  return result.meta.changes === 1;
}

export async function isClaimed(db: Db, key: ClaimKey): Promise<boolean> {
  const rows = await db
    .select({ claimKey: triggerClaim.claimKey })
    .from(triggerClaim)
    .where(claimWhere(key))
    .limit(1);
  return rows.length > 0;
}

/** Gives a claim back when starting its run failed, so a retry (Stripe's, or the next tick) can take it. */
export async function releaseClaim(db: Db, key: ClaimKey): Promise<void> {
  await db.delete(triggerClaim).where(claimWhere(key));
}

/**
 * Gives a claim back after its start failed, unless the run it names was recorded anyway (its instance
 * could not be created): the reconciler starts that run, and a retry of the trigger must not start a
 * second one.
 */
export async function releaseClaimUnlessRecorded(db: Db, key: ClaimKey): Promise<void> {
  await db
    .delete(triggerClaim)
    .where(
      and(
        claimWhere(key),
        notExists(
          db
            .select({ id: workflowExecution.id })
            .from(workflowExecution)
            .where(eq(workflowExecution.id, triggerClaim.executionId)),
        ),
      ),
    );
}

function claimWhere(key: ClaimKey) {
  return and(
    eq(triggerClaim.workflowId, key.workflowId),
    eq(triggerClaim.nodeId, key.nodeId),
    eq(triggerClaim.claimKey, key.claimKey),
  );
}

/**
 * Forgets claims whose key starts with `prefix` and that were made before `before`, so the table does
 * not grow by one row per schedule and minute forever. Returns how many rows were removed.
 */
export async function deleteClaimsBefore(db: Db, prefix: string, before: Date): Promise<number> {
  const result = await db
    .delete(triggerClaim)
    .where(and(like(triggerClaim.claimKey, `${prefix}%`), lt(triggerClaim.createdAt, before)))
    .run();
  return result.meta.changes;
}
