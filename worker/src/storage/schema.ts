/**
 * The whole D1 schema. `npm run db:generate` turns changes here into a SQL migration in migrations/.
 * Timestamps are integer milliseconds (drizzle `timestamp_ms`); JSON columns are text.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { LogLine } from "../sandbox/console-lines";
import type { ExecutionStatus, StepStatus } from "./statuses";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
const updatedAt = () =>
  integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

// ---------------------------------------------------------------------------------------------
// Accounts: the tables Better Auth reads and writes (its core schema, snake_case columns).
// ---------------------------------------------------------------------------------------------
export const user = sqliteTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const session = sqliteTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    token: text("token").notNull().unique(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("session_user_idx").on(t.userId)],
);

export const account = sqliteTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: integer("access_token_expires_at", { mode: "timestamp_ms" }),
    refreshTokenExpiresAt: integer("refresh_token_expires_at", { mode: "timestamp_ms" }),
    scope: text("scope"),
    password: text("password"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("account_user_idx").on(t.userId)],
);

export const verification = sqliteTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("verification_identifier_idx").on(t.identifier)],
);

/** Personal API keys. Only a SHA-256 hash of the key is stored; `prefix` lets a person recognise it. */
export const apiKey = sqliteTable(
  "api_key",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("api_key_user_idx").on(t.userId)],
);

// ---------------------------------------------------------------------------------------------
// Workflows: the current document lives in `node` + `edge`; every save also writes a
// `workflow_version` snapshot, which is what an execution runs (pinned at its start).
// ---------------------------------------------------------------------------------------------
export const workflow = sqliteTable(
  "workflow",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(false),
    version: integer("version").notNull().default(1),
    /**
     * Until when (ms) someone watches this workflow's runs live (an open editor or execution page, renewed
     * by the room while its sockets stay open). The engine publishes live status only before this time.
     */
    liveUntil: integer("live_until"),
    /** The document's `tags` (list filter `?tag=`); also in every snapshot. */
    tags: text("tags", { mode: "json" }).notNull().default([]).$type<string[]>(),
    /**
     * The document's `pinData` ({ nodeId: output }): test data for manual and test-URL runs. Kept here only,
     * not in the version snapshots: pins are editing state, and a run reads the current ones when it starts.
     */
    pinData: text("pin_data", { mode: "json" }).$type<Record<string, unknown>>(),
    /** The document's `settings` (errorWorkflowId, maxConcurrency, ...), as last saved. */
    settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("workflow_user_updated_idx").on(t.userId, t.updatedAt)],
);

export const node = sqliteTable(
  "node",
  {
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    type: text("type").notNull(),
    name: text("name").notNull(),
    positionX: integer("position_x").notNull().default(0),
    positionY: integer("position_y").notNull().default(0),
    parameters: text("parameters", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    credentialId: text("credential_id").references(() => credential.id, { onDelete: "set null" }),
    /** Assigned by the server to nodes that receive HTTP calls; kept across saves, unique everywhere. */
    webhookId: text("webhook_id"),
    retry: text("retry", { mode: "json" }).$type<NodeRetryPolicy>(),
    onError: text("on_error").$type<"stop" | "continue" | "errorOutput">(),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.id] }),
    uniqueIndex("node_workflow_name_uq").on(t.workflowId, t.name),
    uniqueIndex("node_webhook_uq").on(t.webhookId),
    index("node_type_idx").on(t.type),
    index("node_credential_idx").on(t.credentialId),
  ],
);

export const edge = sqliteTable(
  "edge",
  {
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    source: text("source").notNull(),
    target: text("target").notNull(),
    sourceHandle: text("source_handle").notNull().default("main"),
    targetHandle: text("target_handle"),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.id] })],
);

export const workflowVersion = sqliteTable(
  "workflow_version",
  {
    id: text("id").primaryKey(),
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The whole workflow document (name, nodes, edges) as saved. */
    document: text("document", { mode: "json" }).notNull().$type<unknown>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("workflow_version_uq").on(t.workflowId, t.version)],
);

// ---------------------------------------------------------------------------------------------
// Credentials: secret fields only as AES-256-GCM ciphertext; non-secret fields readable.
// ---------------------------------------------------------------------------------------------
export const credential = sqliteTable(
  "credential",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type").notNull(),
    /** Non-secret fields, shown to the owner. */
    publicData: text("public_data", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** Id of the master key that encrypted `ciphertext` (rotation keeps old keys for reading). */
    keyId: text("key_id").notNull(),
    iv: text("iv").notNull(),
    ciphertext: text("ciphertext").notNull(),
    /**
     * OAuth2 only: while a step refreshes the access token it holds this lease (ms epoch), taken with a
     * conditional UPDATE, so concurrent steps refresh once and the others wait for the new token.
     */
    refreshLeaseUntil: integer("refresh_lease_until", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("credential_user_idx").on(t.userId, t.createdAt)],
);

/** A pending OAuth2 connect: single-use `state` bound to the user, with the PKCE verifier (encrypted). */
export const oauthState = sqliteTable(
  "oauth_state",
  {
    state: text("state").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    credentialId: text("credential_id")
      .notNull()
      .references(() => credential.id, { onDelete: "cascade" }),
    keyId: text("key_id").notNull(),
    iv: text("iv").notNull(),
    verifierCiphertext: text("verifier_ciphertext").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("oauth_state_expires_idx").on(t.expiresAt)],
);

// ---------------------------------------------------------------------------------------------
// Executions: one row per run from the moment it is requested, one step row per node.
// ---------------------------------------------------------------------------------------------
export type { ExecutionStatus, StepStatus };
export interface NodeRetryPolicy {
  maxAttempts: number;
  backoff: "exponential" | "constant";
  delayMs: number;
}

export const workflowExecution = sqliteTable(
  "workflow_execution",
  {
    id: text("id").primaryKey(),
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The workflow version this run is pinned to. */
    version: integer("version").notNull(),
    status: text("status").notNull().$type<ExecutionStatus>(),
    /** What started it: manual | webhook | webhookTest | schedule | stripe | googleForm | retry. */
    mode: text("mode").notNull(),
    triggerNodeId: text("trigger_node_id"),
    triggerData: text("trigger_data", { mode: "json" }).$type<unknown>(),
    retryOf: text("retry_of"),
    /** `POST /run?until=<nodeId>`: only the nodes on the way to this node run. */
    runUntil: text("run_until"),
    /** Set on a sub-workflow run (mode `subworkflow`): the execution whose executeWorkflow node started it. */
    parentExecutionId: text("parent_execution_id"),
    /** Origin (`https://host`) of the request that started the run, for links it builds (resume URLs). */
    origin: text("origin"),
    error: text("error", { mode: "json" }).$type<{ message: string; nodeId?: string } | null>(),
    createdAt: createdAt(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    /** When the reconciler last compared this unfinished row with its Workflow instance. */
    checkedAt: integer("checked_at", { mode: "timestamp_ms" }),
    /**
     * The run's ticket (engine/run-ticket.ts) without the trigger payload: the params its Workflow
     * instance was created with. Locally a woken instance replays `run()` with the params it is woken
     * with, so the reconciler wakes it with these, and the replay makes the same decisions.
     */
    ticket: text("ticket", { mode: "json" }).$type<Record<string, unknown>>(),
    /**
     * Bytes of payload it holds now: its `trigger_data` and its step records (execution_step, item_step,
     * loop_item: inputs, outputs, logs, errors), kept exact by triggers in D1 (migrations 0011, 0012) on
     * every insert, update and delete.
     */
    storedBytes: integer("stored_bytes").notNull().default(0),
    /**
     * Most bytes its step records may hold (`EXECUTION_MAX_BYTES` when it was created); a write that
     * would pass it is refused by a trigger (`nodebase_storage_budget`). Null: no limit.
     */
    storageLimit: integer("storage_limit"),
  },
  (t) => [
    index("execution_workflow_created_idx").on(t.workflowId, t.createdAt),
    // The reconciler's queue (unfinished rows, least recently checked first) and retention's cut-off.
    index("execution_status_checked_idx").on(t.status, t.checkedAt),
    index("execution_created_idx").on(t.createdAt),
    index("execution_user_created_idx").on(t.userId, t.createdAt),
    index("execution_user_status_idx").on(t.userId, t.status),
    index("execution_parent_idx").on(t.parentExecutionId),
  ],
);

export const executionStep = sqliteTable(
  "execution_step",
  {
    executionId: text("execution_id")
      .notNull()
      .references(() => workflowExecution.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    nodeName: text("node_name").notNull(),
    status: text("status").notNull().$type<StepStatus>(),
    attempts: integer("attempts").notNull().default(0),
    input: text("input", { mode: "json" }).$type<unknown>(),
    output: text("output", { mode: "json" }).$type<unknown>(),
    error: text("error", { mode: "json" }).$type<{ message: string } | null>(),
    /** `console.*` lines of a `code` node (bounded: 200 lines of 2,000 characters). */
    logs: text("logs", { mode: "json" }).$type<LogLine[] | null>(),
    /** The output is the workflow's pinned data for this node: the node did not run (manual/test runs). */
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.nodeId] })],
);

/**
 * Once-only starts: a trigger claims a key before it starts a run (schedule slot `2026-01-01T10:00:00.000Z`,
 * Stripe event id `evt_…`). The primary key makes a second claim fail, so two handlers racing for the same
 * slot or event start one run, with no check-then-insert window.
 */
export const triggerClaim = sqliteTable(
  "trigger_claim",
  {
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    claimKey: text("claim_key").notNull(),
    executionId: text("execution_id"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.nodeId, t.claimKey] })],
);

/**
 * What the RSS trigger (triggers/rss-poll.ts) remembers about the feed of one `rssTrigger` node: when it was
 * last polled (the row is also the poll's lease), the validators for the next conditional GET, and whether
 * the items already there were recorded (`primed`: the first poll after activation starts nothing).
 * Which items were seen lives in `trigger_claim` (`rss:<guid|link|hash>`), like every once-only start.
 */
export const rssFeed = sqliteTable(
  "rss_feed",
  {
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflow.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    /** The URL this state is for: a node whose URL changes is primed again. */
    url: text("url").notNull(),
    primed: integer("primed", { mode: "boolean" }).notNull().default(false),
    /** The minute slot of the last poll begun (ms). */
    polledAt: integer("polled_at").notNull(),
    etag: text("etag"),
    lastModified: text("last_modified"),
    /** The last poll's failure, null after a poll that worked. */
    lastError: text("last_error"),
    /** When a failed poll was last recorded as a failed execution (ms): the same failure at most hourly. */
    errorRecordedAt: integer("error_recorded_at"),
    /** When claims of items gone from the feed were last forgotten (ms). */
    prunedAt: integer("pruned_at"),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.nodeId] })],
);

/**
 * Resume URLs used (`/webhooks/resume/<token>`): a token is bound to one execution and event, and the
 * primary key lets exactly one POST claim it, so a second click delivers nothing.
 */
export const resumeTokenUse = sqliteTable(
  "resume_token_use",
  {
    executionId: text("execution_id")
      .notNull()
      .references(() => workflowExecution.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.event] })],
);

// ---------------------------------------------------------------------------------------------
// Rate limiting: one fixed-window counter per key (`signIn:ip:<ip>`, `runStart:user:<id>`, …). D1 is
// the one place every isolate sees, so the count is global, not per isolate (http/rate-limit.ts).
// ---------------------------------------------------------------------------------------------
export const rateLimit = sqliteTable(
  "rate_limit",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    /** When the current window ends (ms): the next hit after it starts a new window at 1. */
    resetAt: integer("reset_at").notNull(),
  },
  (t) => [index("rate_limit_reset_idx").on(t.resetAt)],
);

// ---------------------------------------------------------------------------------------------
// Live sockets: one lease per open WebSocket (execution and workflow rooms), so a user's sockets can be
// counted across every room (realtime/socket-leases.ts). A room deletes a lease when its socket closes and
// renews the leases of its open sockets; a lease not renewed (a room that died with its sockets) expires.
// ---------------------------------------------------------------------------------------------
export const liveSocket = sqliteTable(
  "live_socket",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The Durable Object name of the room: the execution id, or `workflow:<id>`. */
    room: text("room").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("live_socket_user_idx").on(t.userId, t.expiresAt), index("live_socket_room_idx").on(t.room)],
);

// ---------------------------------------------------------------------------------------------
// Loops (forEach): one row per element, and one step record per body node per element. Kept out of
// `execution_step` (one row per node) so a 10,000-element run leaves the node-level records small.
// `parentPath` places an element of a nested loop: "" at the top, "3" inside element 3 of the outer loop.
// ---------------------------------------------------------------------------------------------
export type LoopItemStatus = "pending" | "success" | "error";

export const loopItem = sqliteTable(
  "loop_item",
  {
    executionId: text("execution_id")
      .notNull()
      .references(() => workflowExecution.id, { onDelete: "cascade" }),
    loopNodeId: text("loop_node_id").notNull(),
    parentPath: text("parent_path").notNull().default(""),
    itemIndex: integer("item_index").notNull(),
    status: text("status").notNull().$type<LoopItemStatus>(),
    /** The element, as the loop's `items` gave it. */
    value: text("value", { mode: "json" }).$type<unknown>(),
    /** The output of the body's last node for this element (null while pending or after a failure). */
    result: text("result", { mode: "json" }).$type<unknown>(),
    error: text("error", { mode: "json" }).$type<{ message: string; nodeId?: string } | null>(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.loopNodeId, t.parentPath, t.itemIndex] })],
);

export const itemStep = sqliteTable(
  "item_step",
  {
    executionId: text("execution_id")
      .notNull()
      .references(() => workflowExecution.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    parentPath: text("parent_path").notNull().default(""),
    itemIndex: integer("item_index").notNull(),
    nodeName: text("node_name").notNull(),
    status: text("status").notNull().$type<StepStatus>(),
    attempts: integer("attempts").notNull().default(0),
    input: text("input", { mode: "json" }).$type<unknown>(),
    output: text("output", { mode: "json" }).$type<unknown>(),
    error: text("error", { mode: "json" }).$type<{ message: string } | null>(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.nodeId, t.parentPath, t.itemIndex] })],
);
