/**
 * Workflows in D1. The current document lives in `workflow` + `node` + `edge`; every save also writes a
 * `workflow_version` snapshot of the whole document, which is what an execution runs.
 * Every write is ONE `db.batch` (a D1 transaction): a save never leaves half a graph behind.
 */
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { WorkflowDocument, WorkflowNode } from "../engine/workflow-document";
import type { Db } from "./db";
import { deleteInactiveFeedStates } from "./rss-feeds";
import type { PageCursor } from "./pagination";
import { afterCursor, encodeCursor } from "./pagination";
import { edge, node, workflow, workflowVersion } from "./schema";

/** D1 binds at most 100 parameters per statement; multi-row inserts are cut to fit. */
const D1_MAX_PARAMS = 100;

export type WorkflowRow = typeof workflow.$inferSelect;
/** A stored node: the document's node with its server-assigned `webhookId`. */
export type StoredNode = WorkflowNode & { webhookId?: string | null };
export type StoredDocument = Omit<WorkflowDocument, "nodes" | "settings"> & {
  nodes: StoredNode[];
  settings?: WorkflowDocument["settings"];
};
export type StoredWorkflow = Omit<WorkflowRow, "settings" | "pinData"> &
  Pick<StoredDocument, "nodes" | "edges" | "pinData"> & {
    settings: NonNullable<WorkflowDocument["settings"]>;
  };

/** `?search=` (case-insensitive substring of the name) and `?tag=` (case-insensitive, exact tag). */
export interface WorkflowFilter {
  search?: string;
  tag?: string;
}

/** Newest edit first; the cursor is (updatedAt, id). */
export async function listWorkflows(
  db: Db,
  userId: string,
  limit: number,
  cursor?: PageCursor,
  filter: WorkflowFilter = {},
) {
  const rows = await db
    .select()
    .from(workflow)
    .where(
      and(
        eq(workflow.userId, userId),
        afterCursor(workflow.updatedAt, workflow.id, cursor),
        // instr, not LIKE: a search for "50%" or "a_b" means those characters.
        filter.search ? sql`instr(lower(${workflow.name}), lower(${filter.search})) > 0` : undefined,
        filter.tag
          ? sql`EXISTS (SELECT 1 FROM json_each(${workflow.tags}) WHERE lower(json_each.value) = lower(${filter.tag}))`
          : undefined,
      ),
    )
    .orderBy(desc(workflow.updatedAt), desc(workflow.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ at: last.updatedAt.getTime(), id: last.id }) : null;
  return { items, nextCursor };
}

/** The ids of this user's workflows with these exact names (the newest edit wins when names repeat). */
export async function workflowIdsByName(
  db: Db,
  userId: string,
  names: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (names.length === 0) return found;
  const rows = await db
    .select({ id: workflow.id, name: workflow.name })
    .from(workflow)
    .where(and(eq(workflow.userId, userId), inArray(workflow.name, names.slice(0, D1_MAX_PARAMS - 1))))
    .orderBy(workflow.updatedAt);
  for (const row of rows) found.set(row.name, row.id);
  return found;
}

export async function getWorkflowRow(db: Db, userId: string, id: string): Promise<WorkflowRow | undefined> {
  const [row] = await db
    .select()
    .from(workflow)
    .where(and(eq(workflow.id, id), eq(workflow.userId, userId)))
    .limit(1);
  return row;
}

/** The current document of a workflow of this user, or undefined (missing or someone else's). */
export async function getWorkflow(db: Db, userId: string, id: string): Promise<StoredWorkflow | undefined> {
  const row = await getWorkflowRow(db, userId, id);
  if (!row) return undefined;
  // rowid order is insertion order, i.e. the order the document listed them in.
  const [nodeRows, edgeRows] = await db.batch([
    db
      .select()
      .from(node)
      .where(eq(node.workflowId, id))
      .orderBy(sql`rowid`),
    db
      .select()
      .from(edge)
      .where(eq(edge.workflowId, id))
      .orderBy(sql`rowid`),
  ]);
  const { pinData, ...rest } = row;
  return {
    ...rest,
    ...(pinData ? { pinData } : {}),
    settings: (row.settings ?? {}) as NonNullable<WorkflowDocument["settings"]>,
    nodes: nodeRows.map((n) =>
      dropNullish({
        id: n.id,
        type: n.type,
        name: n.name,
        position: { x: n.positionX, y: n.positionY },
        parameters: n.parameters,
        credentialId: n.credentialId,
        webhookId: n.webhookId,
        retry: n.retry,
        onError: n.onError,
      }),
    ),
    edges: edgeRows.map((e) =>
      dropNullish({
        id: e.id,
        source: e.source,
        target: e.target,
        sourceHandle: e.sourceHandle,
        targetHandle: e.targetHandle,
      }),
    ),
  };
}

/** The webhookIds this workflow's nodes hold now, by node id (so a save keeps them). */
export async function getWebhookIds(db: Db, workflowId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: node.id, webhookId: node.webhookId })
    .from(node)
    .where(and(eq(node.workflowId, workflowId), sql`${node.webhookId} IS NOT NULL`));
  return new Map(rows.map((r) => [r.id, r.webhookId!]));
}

/** Creates a workflow at version 1 with its first snapshot. */
export async function createWorkflow(db: Db, userId: string, doc: StoredDocument): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date();
  await runBatch(db, [
    db.insert(workflow).values({
      id,
      userId,
      name: doc.name,
      tags: doc.tags ?? [],
      pinData: doc.pinData ?? null,
      settings: doc.settings ?? {},
      active: false,
      version: 1,
      createdAt: now,
      updatedAt: now,
    }),
    ...graphInserts(db, id, doc),
    db.insert(workflowVersion).values({
      id: crypto.randomUUID(),
      workflowId: id,
      version: 1,
      document: snapshotOf(doc),
      createdAt: now,
    }),
  ]);
  return id;
}

/**
 * Replaces the document of workflow `id` (already known to belong to the caller, at `fromVersion`)
 * and bumps its version. Throws `VersionConflict` when another save got there first: the snapshot's
 * unique (workflow, version) index makes the second writer's batch fail and roll back entirely.
 */
export async function replaceWorkflow(
  db: Db,
  userId: string,
  id: string,
  fromVersion: number,
  doc: StoredDocument,
) {
  const now = new Date();
  const version = fromVersion + 1;
  await runBatch(db, [
    db
      .update(workflow)
      // A document without `settings` (an editor that does not know them) keeps the saved ones; tags and
      // pins are replaced like nodes and edges (none sent: none kept).
      .set({
        name: doc.name,
        tags: doc.tags ?? [],
        pinData: doc.pinData ?? null,
        ...(doc.settings && { settings: doc.settings }),
        version,
        updatedAt: now,
      })
      .where(and(eq(workflow.id, id), eq(workflow.userId, userId))),
    db.delete(edge).where(eq(edge.workflowId, id)),
    db.delete(node).where(eq(node.workflowId, id)),
    ...graphInserts(db, id, doc),
    db.insert(workflowVersion).values({
      id: crypto.randomUUID(),
      workflowId: id,
      version,
      document: snapshotOf(doc),
      createdAt: now,
    }),
  ]);
  return version;
}

/** What a version snapshot keeps: the whole document except its pins (editing state, read at run start). */
function snapshotOf(doc: StoredDocument): Omit<StoredDocument, "pinData"> {
  const { pinData: _pins, ...rest } = doc;
  return rest;
}

/** One entry of a workflow's history, without the document itself. */
export interface VersionSummary {
  version: number;
  createdAt: Date;
  name: string;
  nodeCount: number;
  edgeCount: number;
}

/**
 * Saved versions of a workflow of this user, newest first; `before` is the version the previous page ended
 * at. Undefined when the workflow is not this user's.
 */
export async function listWorkflowVersions(
  db: Db,
  userId: string,
  workflowId: string,
  limit: number,
  before?: number,
): Promise<{ items: VersionSummary[]; nextBefore: number | null } | undefined> {
  const row = await getWorkflowRow(db, userId, workflowId);
  if (!row) return undefined;
  const rows = await db
    .select({
      version: workflowVersion.version,
      createdAt: workflowVersion.createdAt,
      // Counted in SQL so a page of 50 versions does not ship 50 documents to the Worker.
      name: sql<string>`json_extract(${workflowVersion.document}, '$.name')`,
      nodeCount: sql<number>`json_array_length(${workflowVersion.document}, '$.nodes')`,
      edgeCount: sql<number>`coalesce(json_array_length(${workflowVersion.document}, '$.edges'), 0)`,
    })
    .from(workflowVersion)
    .where(
      and(
        eq(workflowVersion.workflowId, workflowId),
        before === undefined ? undefined : lt(workflowVersion.version, before),
      ),
    )
    .orderBy(desc(workflowVersion.version))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextBefore: rows.length > limit && last ? last.version : null };
}

/** Runs one D1 batch (all or nothing), turning the constraint failures a save can meet into named errors. */
async function runBatch(db: Db, statements: BatchItem<"sqlite">[]) {
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    const text = errorText(err);
    if (/UNIQUE constraint failed: workflow_version/.test(text)) throw new VersionConflict();
    // node.credential_id references credential(id): a credentialId that names no credential.
    if (/FOREIGN KEY constraint failed/.test(text)) throw new UnknownCredential();
    throw err;
  }
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    parts.push(String((e as Error).message ?? e));
  }
  return parts.join(" | ");
}

export class VersionConflict extends Error {
  constructor() {
    super("The workflow was saved by someone else meanwhile; reload it and save again");
  }
}

export class UnknownCredential extends Error {
  constructor() {
    super("A node's credentialId names no credential");
  }
}

export async function setWorkflowActive(db: Db, userId: string, id: string, active: boolean) {
  const update = db
    .update(workflow)
    .set({ active, updatedAt: new Date() })
    .where(and(eq(workflow.id, id), eq(workflow.userId, userId)));
  // Activation starts RSS triggers afresh: their first poll records what the feed has and starts nothing.
  if (active) await db.batch([deleteInactiveFeedStates(db, userId, id), update]);
  else await update;
}

/** True when a workflow of this user was deleted (nodes, edges, versions and executions cascade). */
export async function deleteWorkflow(db: Db, userId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(workflow)
    .where(and(eq(workflow.id, id), eq(workflow.userId, userId)))
    .returning({ id: workflow.id });
  return deleted.length > 0;
}

/**
 * The document an execution runs: the snapshot of `version` (default: the current one) of a workflow of
 * this user, with its webhookIds. Undefined when the workflow or version does not exist for this user.
 */
export async function getWorkflowSnapshot(db: Db, userId: string, workflowId: string, version?: number) {
  const row = await getWorkflowRow(db, userId, workflowId);
  if (!row) return undefined;
  const [snap] = await db
    .select({ version: workflowVersion.version, document: workflowVersion.document })
    .from(workflowVersion)
    .where(
      and(eq(workflowVersion.workflowId, workflowId), eq(workflowVersion.version, version ?? row.version)),
    )
    .limit(1);
  return snap ? { version: snap.version, document: snap.document as StoredDocument } : undefined;
}

function graphInserts(db: Db, workflowId: string, doc: StoredDocument) {
  const nodeRows = doc.nodes.map((n) => ({
    workflowId,
    id: n.id,
    type: n.type,
    name: n.name,
    positionX: n.position.x,
    positionY: n.position.y,
    parameters: n.parameters,
    credentialId: n.credentialId ?? null,
    webhookId: n.webhookId ?? null,
    retry: n.retry ?? null,
    onError: n.onError ?? null,
  }));
  const edgeRows = doc.edges.map((e) => ({
    workflowId,
    id: e.id,
    source: e.source,
    target: e.target,
    sourceHandle: e.sourceHandle,
    targetHandle: e.targetHandle ?? null,
  }));
  return [
    ...chunk(nodeRows, Math.floor(D1_MAX_PARAMS / 11)).map((rows) => db.insert(node).values(rows)),
    ...chunk(edgeRows, Math.floor(D1_MAX_PARAMS / 6)).map((rows) => db.insert(edge).values(rows)),
  ];
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function dropNullish<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== undefined)) as T;
}
