import { NonRetryableError } from "cloudflare:workflows";
import postgresClient from "postgres";
import { openPostgresSocket } from "./lib/postgres-socket";
import { z } from "zod";
import { maskSecrets } from "../credentials/mask";
import { OutboundConnectionRefused } from "../engine/outbound-connect";
import { defineNode } from "./node-type";
import { readCredential } from "./lib/credential";

const postgresCredential = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  database: z.string().min(1),
  user: z.string().min(1),
  password: z.string().min(1),
  ssl: z.boolean(),
});

/** SQLSTATE classes worth another try: connection (08), transaction rollback (40), resources (53), shutdown (57). */
const RETRYABLE_CLASSES = new Set(["08", "40", "53", "57"]);

/**
 * Runs one SQL statement on PostgreSQL with the `postgres` driver (its Workers build), over a socket from
 * `ctx.connect` (lib/postgres-socket.ts). Values are bound as `$1, $2, …` (never spliced into the SQL), and the connection
 * is closed when the step ends, so no socket outlives the step. In production put Hyperdrive in front
 * (docs/deploy.md).
 */
export const postgres = defineNode({
  type: "postgres",
  version: 1,
  title: "PostgreSQL",
  description: "Runs a SQL query with bound parameters. Outputs { rows, rowCount }.",
  category: "core",
  icon: "database",
  parameters: z
    .object({
      query: z.string().min(1).describe("One SQL statement; use $1, $2, … for values"),
      params: z
        .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .default([])
        .describe("Values bound to $1, $2, … in order (may use {{ }} expressions)"),
    })
    .strict(),
  credential: { types: ["postgres"], required: true },
  outputs: ["main"],
  // A query may write (INSERT, UPDATE): one connection and one statement per attempt, retried only by the
  // node's policy. A statement that writes should be safe to repeat (ON CONFLICT …) or set retry to 1.
  idempotent: false,
  async run(ctx) {
    const db = readCredential(
      ctx.credential,
      postgresCredential,
      "PostgreSQL",
      "a host, port, database, user, password and ssl",
    );
    const connect = ctx.connect;
    if (!connect) throw new Error("PostgreSQL needs TCP sockets, which this runtime does not provide");
    const options = {
      host: db.host,
      port: db.port,
      database: db.database,
      username: db.user,
      password: db.password,
      ssl: db.ssl ? "verify-full" : false,
      socket: () => openPostgresSocket(connect, db.host, db.port, db.ssl),
      max: 1,
      connect_timeout: 15,
      // Unnamed statements: nothing is cached on a connection that lives for one step.
      prepare: false,
      onnotice: () => undefined,
    };
    // `socket` is a documented option of the driver that its type definitions leave out.
    const sql = postgresClient(options as postgresClient.Options<Record<string, never>>);
    try {
      const result = await sql.unsafe(
        ctx.params.query,
        ctx.params.params as postgresClient.ParameterOrJSON<never>[],
      );
      // Through JSON: timestamps become ISO text, so the output is plain data like every node's.
      const rows = JSON.parse(JSON.stringify([...result])) as unknown[];
      return { output: { rows, rowCount: result.count ?? rows.length } };
    } catch (err) {
      throw nodeError(err, [db.password]);
    } finally {
      await sql.end({ timeout: 5 }).catch(() => undefined);
    }
  },
});

/** "PostgreSQL answered 42P01: relation "x" does not exist"; never the password. */
function nodeError(err: unknown, secrets: string[]): Error {
  const e = err as { code?: unknown; message?: unknown; detail?: unknown; errno?: unknown };
  const sqlState = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const text = maskSecrets(
    [String(e.message ?? err), typeof e.detail === "string" ? e.detail : ""].filter(Boolean).join(" — "),
    secrets,
  );
  if (sqlState) {
    const message = `PostgreSQL answered ${sqlState}: ${text}`;
    return RETRYABLE_CLASSES.has(sqlState.slice(0, 2)) ? new Error(message) : new NonRetryableError(message);
  }
  // The private-network rule (production) refused the host: no retry can change that.
  if (err instanceof OutboundConnectionRefused) {
    return new NonRetryableError(`PostgreSQL connection failed: ${text}`);
  }
  return new Error(`PostgreSQL connection failed: ${text}`);
}
