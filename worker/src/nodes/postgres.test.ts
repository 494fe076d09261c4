import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, inject, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { createOutboundConnect } from "../engine/outbound-connect";
import { postgres } from "./postgres";

/** A throw-away cluster started by worker/test/fakes/postgres.global.ts; null when the binaries are missing. */
const server = inject("postgresServer");
if (!server)
  console.warn("postgres node tests SKIPPED: no PostgreSQL binaries (apt-get install -y postgresql)");

const credential = (over: Record<string, unknown> = {}) => ({
  credential: { type: "postgres", data: { ...server!, ssl: false, ...over } },
});
const query = (q: string, params: unknown[] = [], over?: Record<string, unknown>) =>
  postgres.run(runContext(postgres, { query: q, params }, credential(over)));
const table = () => `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

describe.skipIf(!server)("postgres node (against a real PostgreSQL)", () => {
  it("binds params as $1… and outputs { rows, rowCount }", async () => {
    const t = table();
    await query(`CREATE TABLE ${t} (id serial PRIMARY KEY, name text NOT NULL, score int, at timestamptz)`);
    const inserted = await query(
      `INSERT INTO ${t} (name, score, at) VALUES ($1, $2, $3), ($4, $5, $3) RETURNING id, name`,
      ["Ada", 3, "2026-01-02T03:04:05Z", "Bob'); DROP TABLE x; --", 7],
    );
    expect(inserted.output).toEqual({
      rows: [
        { id: 1, name: "Ada" },
        { id: 2, name: "Bob'); DROP TABLE x; --" },
      ],
      rowCount: 2,
    });
    const selected = await query(`SELECT name, score, at FROM ${t} WHERE score > $1 ORDER BY id`, [1]);
    expect(selected.output).toEqual({
      rows: [
        { name: "Ada", score: 3, at: "2026-01-02T03:04:05.000Z" },
        { name: "Bob'); DROP TABLE x; --", score: 7, at: "2026-01-02T03:04:05.000Z" },
      ],
      rowCount: 2,
    });
    const updated = await query(`UPDATE ${t} SET score = score + 1 WHERE name = $1`, ["Ada"]);
    expect(updated.output).toEqual({ rows: [], rowCount: 1 });
  });

  it("fails with the server's SQLSTATE and message, not retried for a bad query", async () => {
    const error = await query("SELECT * FROM no_such_table_here").catch((e) => e);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toBe('PostgreSQL answered 42P01: relation "no_such_table_here" does not exist');
  });

  it("a wrong password is the server's 28P01 and the password is never in the error", async () => {
    const error = await query("SELECT 1", [], { password: "wrong-pg-password-9" }).catch((e) => e);
    expect(error.message).toMatch(
      /^PostgreSQL answered 28P01: password authentication failed for user "nodebase"/,
    );
    expect(error.message).not.toContain("wrong-pg-password-9");
  });

  it("an unreachable server is a retryable connection error", async () => {
    const error = await query("SELECT 1", [], { port: 8859 }).catch((e) => e);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(error.message).toMatch(/^PostgreSQL connection failed: /);
  });

  it("closes its connection when the step ends", async () => {
    const before = await query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1", [
      "nodebase",
    ]);
    for (let i = 0; i < 3; i++) await query("SELECT 1");
    const after = await query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1", [
      "nodebase",
    ]);
    expect((after.output as { rows: { n: number }[] }).rows[0].n).toBe(
      (before.output as { rows: { n: number }[] }).rows[0].n,
    );
  });
});

/** ssl: true against the same server's TLS (its certificate from the test CA workerd trusts; see postgres.global.ts). */
describe.skipIf(!server?.ssl)("postgres node over TLS (ssl: true)", () => {
  it("connects over TLS, verified, and runs the query", async () => {
    for (const host of ["localhost", "127.0.0.1"]) {
      const result = await query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [], {
        ssl: true,
        host,
      });
      expect(result.output).toEqual({
        rows: [{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }],
        rowCount: 1,
      });
    }
    const plain = await query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    expect(plain.output).toEqual({ rows: [{ ssl: false }], rowCount: 1 });
  });
});

describe("postgres node parameters", () => {
  it("in production refuses private and loopback hosts through the one SSRF rule, without retries", async () => {
    const production = { connect: createOutboundConnect({ NODEBASE_ENV: "production" }) };
    for (const host of ["127.0.0.1", "localhost", "192.168.1.20", "::1"]) {
      const data = { host, port: 5432, database: "d", user: "u", password: "p", ssl: false };
      const ctx = {
        ...runContext(postgres, { query: "SELECT 1" }, { credential: { type: "postgres", data } }),
        ...production,
      };
      const error = await postgres.run(ctx).catch((e) => e);
      expect(error, host).toBeInstanceOf(NonRetryableError);
      expect(error.message).toMatch(
        /^PostgreSQL connection failed: Connection to .+ refused: .*(private|localhost)/,
      );
    }
  });

  it("takes only scalar params and needs a query", () => {
    expect(postgres.parameters.safeParse({ query: "" }).success).toBe(false);
    expect(postgres.parameters.safeParse({ query: "SELECT $1", params: [{ a: 1 }] }).success).toBe(false);
    expect(postgres.parameters.parse({ query: "SELECT 1" })).toEqual({ query: "SELECT 1", params: [] });
  });

  it("is declared non-idempotent: a query may write", () => {
    expect(postgres.idempotent).toBe(false);
  });
});
