import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, inject, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { airtable } from "./airtable";
import { ConnectorError } from "./lib/json-api";

/** Against a server shaped like Airtable's Web API (worker/test/fakes/airtable-api.global.ts). */
const baseUrl = inject("airtableApiUrl");
const base = "appAbCdEfGh123456";
const withToken = (accessToken = "patLive.0123") => ({
  credential: { type: "airtableTokenApi", data: { accessToken, baseUrl } },
});
/** A fresh table per test. */
async function table(): Promise<string> {
  const name = `Leads ${crypto.randomUUID().slice(0, 8)}`;
  const fields = { Name: "text", Score: "number", Status: "text" };
  await fetch(`${baseUrl}/__tables/${base}/${encodeURIComponent(name)}`, {
    method: "POST",
    body: JSON.stringify({ fields }),
  });
  return name;
}
const run = (params: Record<string, unknown>, credential = withToken()) =>
  airtable.run(runContext(airtable, { base, ...params }, credential));

describe("airtable node", () => {
  it("creates a record in a table named with spaces and outputs Airtable's record", async () => {
    const name = await table();
    const result = await run({ table: name, fields: { Name: "Ann", Score: 3 } });
    expect(result.output).toEqual({
      id: expect.stringMatching(/^rec/),
      createdTime: expect.any(String),
      fields: { Name: "Ann", Score: 3 },
    });
    const typecast = await run({ table: name, fields: { Score: "7" }, typecast: true });
    expect(typecast.output).toMatchObject({ fields: { Score: 7 } });
  });

  it("searches with filterByFormula, pages with offset for returnAll, and stops at limit", async () => {
    const name = await table();
    for (let i = 0; i < 120; i++)
      await run({ table: name, fields: { Name: `n${i}`, Status: i % 2 ? "Done" : "Todo" } });
    const done = await run({
      operation: "search",
      table: name,
      filterByFormula: "{Status} = 'Done'",
      returnAll: true,
    });
    expect(done.output).toMatchObject({ count: 60, hasMore: false });
    const all = await run({ operation: "search", table: name, returnAll: true });
    expect(all.output).toMatchObject({ count: 120, hasMore: false });
    const some = await run({ operation: "search", table: name, limit: 5 });
    expect(some.output).toMatchObject({ count: 5, hasMore: true });
    expect((some.output as { records: { fields: unknown }[] }).records[0].fields).toEqual({
      Name: "n0",
      Status: "Todo",
    });
  });

  it("fails at once with Airtable's type and message", async () => {
    const name = await table();
    for (const [params, token, message] of [
      [
        { table: name },
        "patRevoked.1",
        "Airtable answered 401: AUTHENTICATION_REQUIRED: Authentication required",
      ],
      [
        { table: "Nope" },
        undefined,
        "Airtable answered 403: INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND: Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.",
      ],
      [
        { table: name, fields: { Nmae: "x" } },
        undefined,
        'Airtable answered 422: UNKNOWN_FIELD_NAME: Unknown field name: "Nmae"',
      ],
      [
        { table: name, fields: { Score: "lots" } },
        undefined,
        'Airtable answered 422: INVALID_VALUE_FOR_COLUMN: Field "Score" cannot accept the provided value',
      ],
      [
        { operation: "search", table: name, filterByFormula: "FIND('a', {Name})" },
        undefined,
        "Airtable answered 422: INVALID_FILTER_BY_FORMULA: The formula for filtering records is invalid: Unknown function names: FIND('a', {Name})",
      ],
    ] as const) {
      const failure = await run(params, withToken(token)).catch((e) => e);
      expect(failure).toBeInstanceOf(NonRetryableError);
      expect(failure.message).toBe(message);
    }
  });

  it("a rate limit is left to the node's retry policy after one create call", async () => {
    const failure = await run({ table: "Busy", fields: { Name: "x" } }).catch((e) => e);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).not.toBeInstanceOf(NonRetryableError);
    expect(failure.message).toBe(
      "Airtable answered 429: RATE_LIMIT_REACHED: Rate limit exceeded. Please try again later",
    );
    expect(airtable.idempotent).toBe(false);
  });

  it("checks its parameters", () => {
    expect(airtable.parameters.safeParse({ base: "app123", table: "T" }).success).toBe(false);
    expect(airtable.parameters.safeParse({ base, table: "" }).success).toBe(false);
    expect(airtable.parameters.safeParse({ base, table: "T", limit: 101 }).success).toBe(false);
    expect(airtable.parameters.parse({ base, table: "T" })).toMatchObject({
      operation: "create",
      fields: {},
    });
  });
});
