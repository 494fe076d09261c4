import { z } from "zod";
import { defineNode } from "./node-type";
import { readCredential } from "./lib/credential";
import { callJsonApi } from "./lib/json-api";

const AIRTABLE_API = "https://api.airtable.com";

const airtableCredential = z.object({ accessToken: z.string().min(1), baseUrl: z.string().url().optional() });

/**
 * Airtable Web API: create a record (`POST /v0/{base}/{table}`) or search a table's records
 * (`GET /v0/{base}/{table}` with `filterByFormula`, `view`, offset paging). Names as in n8n's Airtable
 * node (base, table, typecast, filterByFormula, view, returnAll, limit). Personal access token from an
 * `airtableTokenApi` credential.
 */
export const airtable = defineNode({
  type: "airtable",
  version: 1,
  title: "Airtable",
  description:
    "Creates a record in an Airtable table, or searches its records. Outputs Airtable's record(s).",
  category: "communication",
  icon: "table",
  parameters: z
    .object({
      operation: z
        .enum(["create", "search"])
        .default("create")
        .describe("create: a new record; search: the table's records (optionally filtered)"),
      base: z
        .string()
        .regex(/^app[A-Za-z0-9]{14}$/, "must be an Airtable base ID (app…, from the base's URL)")
        .describe("The base ID (app…, in the base's URL airtable.com/app…/tbl…)"),
      table: z.string().min(1).max(255).describe("The table's ID (tbl…) or name"),
      fields: z
        .record(z.string().min(1), z.unknown())
        .default({})
        .describe(
          "create: field name → value (text, number, true/false, a list for multiple select or links)",
        ),
      typecast: z
        .boolean()
        .default(false)
        .describe("create: let Airtable convert text to the field's type (and add new select options)"),
      filterByFormula: z
        .string()
        .max(10_000)
        .optional()
        .describe("search: an Airtable formula a record must make true, e.g. {Status} = 'Done'"),
      view: z.string().min(1).optional().describe("search: only the records of this view, in its order"),
      returnAll: z.boolean().default(false).describe("search: every record (up to 1000), not only `limit`"),
      limit: z.number().int().min(1).max(100).default(50).describe("search: how many records at most"),
    })
    .strict(),
  credential: { types: ["airtableTokenApi"], required: true },
  outputs: ["main"],
  // A repeated create makes a second record: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const { accessToken, baseUrl } = readCredential(
      ctx.credential,
      airtableCredential,
      "Airtable",
      "an accessToken",
    );
    const p = ctx.params;
    const common = {
      service: "Airtable",
      baseUrl: baseUrl ?? AIRTABLE_API,
      path: `/v0/${p.base}/${encodeURIComponent(p.table)}`,
      auth: { bearer: accessToken },
      errorText: airtableErrorText,
      fetch: ctx.fetch,
      signal: ctx.signal,
      timeoutMs: 30_000,
    };
    if (p.operation === "create") {
      const answer = await callJsonApi({
        ...common,
        body: { fields: p.fields, typecast: p.typecast },
        maxAttempts: 1,
      });
      return { output: answer.body };
    }
    const records: unknown[] = [];
    const wanted = p.returnAll ? 1000 : p.limit;
    let offset: string | undefined;
    do {
      const answer = await callJsonApi({
        ...common,
        method: "GET",
        query: {
          pageSize: Math.min(100, wanted - records.length),
          filterByFormula: p.filterByFormula,
          view: p.view,
          offset,
        },
      });
      const page = answer.body as { records?: unknown[]; offset?: string };
      records.push(...(page.records ?? []));
      offset = page.offset;
    } while (offset && records.length < wanted);
    return { output: { records, count: records.length, hasMore: offset !== undefined } };
  },
});

/**
 * Airtable answers `{ error: { type, message } }`, `{ error: "NOT_FOUND" }` or, for rate limits,
 * `{ errors: [{ error, message }] }`: "UNKNOWN_FIELD_NAME: Unknown field name: \"Nmae\"".
 */
function airtableErrorText(body: unknown): string | undefined {
  const answer = body as { error?: unknown; errors?: unknown } | null;
  const error = answer?.error ?? (Array.isArray(answer?.errors) ? answer.errors[0] : undefined);
  if (typeof error === "string") return error;
  if (!error || typeof error !== "object") return undefined;
  const { type, error: code, message } = error as { type?: unknown; error?: unknown; message?: unknown };
  const kind = typeof type === "string" ? type : typeof code === "string" ? code : undefined;
  if (typeof message !== "string") return kind;
  return kind ? `${kind}: ${message}` : message;
}
