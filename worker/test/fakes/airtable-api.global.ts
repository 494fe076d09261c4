/**
 * vitest globalSetup (runs in Node, outside workerd): a local server shaped like Airtable's Web API for
 * records, so the airtable node is tested against the protocol: `/v0/<base>/<table id or name>`,
 * `{ fields, typecast }`, `pageSize`/`offset` paging and Airtable's error bodies.
 *
 *   POST /v0/<base>/<table>   `{ fields, typecast? }` → `{ id, createdTime, fields }`
 *   GET  /v0/<base>/<table>   `?pageSize&offset&filterByFormula&view` → `{ records, offset? }`
 *   POST /__tables/<base>/<table>  `{ fields: { Name: "text", Count: "number" } }` creates a table (set-up)
 * Like Airtable: a token other than `pat…`, or `patRevoked…` → 401 AUTHENTICATION_REQUIRED; an unknown base
 * or table → 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND; an unknown field → 422 UNKNOWN_FIELD_NAME; text in
 * a number field without typecast → 422 INVALID_VALUE_FOR_COLUMN; table `Busy` → 429 RATE_LIMIT_REACHED.
 * filterByFormula: `{Field} = 'value'` (or a number); any other formula → 422 INVALID_FILTER_BY_FORMULA.
 * Reached with `inject("airtableApiUrl")`.
 */
import { createServer } from "node:http";
import type { TestProject } from "vitest/node";
import { readAll, serveForTests } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    airtableApiUrl: string;
  }
}

interface Table {
  fields: Record<string, string>;
  records: { id: string; createdTime: string; fields: Record<string, unknown> }[];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tables = new Map<string, Table>();
  let n = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, type: string, message: string) =>
      send(status, { error: { type, message } });

    const seed = /^\/__tables\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (seed && req.method === "POST") {
      const { fields } = JSON.parse(await readAll(req)) as { fields: Record<string, string> };
      tables.set(`${seed[1]}/${decodeURIComponent(seed[2])}`, { fields, records: [] });
      return send(200, {});
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!token.startsWith("pat") || token.startsWith("patRevoked"))
      return fail(401, "AUTHENTICATION_REQUIRED", "Authentication required");
    const route = /^\/v0\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const name = route ? decodeURIComponent(route[2]) : "";
    if (name === "Busy")
      return send(429, {
        errors: [{ error: "RATE_LIMIT_REACHED", message: "Rate limit exceeded. Please try again later" }],
      });
    const table = route && tables.get(`${route[1]}/${name}`);
    if (!table) {
      return fail(
        403,
        "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
        "Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.",
      );
    }

    if (req.method === "POST") {
      const body = JSON.parse(await readAll(req)) as { fields?: Record<string, unknown>; typecast?: boolean };
      const fields: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(body.fields ?? {})) {
        const type = table.fields[field];
        if (!type) return fail(422, "UNKNOWN_FIELD_NAME", `Unknown field name: "${field}"`);
        if (type === "number" && typeof value !== "number") {
          if (!body.typecast || Number.isNaN(Number(value)))
            return fail(422, "INVALID_VALUE_FOR_COLUMN", `Field "${field}" cannot accept the provided value`);
          fields[field] = Number(value);
        } else fields[field] = value;
      }
      const record = {
        id: `rec${String(++n).padStart(14, "0")}`,
        createdTime: new Date().toISOString(),
        fields,
      };
      table.records.push(record);
      return send(200, record);
    }
    let records = table.records;
    const formula = url.searchParams.get("filterByFormula");
    if (formula) {
      const m = /^\{([^}]+)\}\s*=\s*(?:'([^']*)'|(-?\d+(?:\.\d+)?))$/.exec(formula.trim());
      if (!m)
        return fail(
          422,
          "INVALID_FILTER_BY_FORMULA",
          `The formula for filtering records is invalid: Unknown function names: ${formula}`,
        );
      const wanted = m[2] ?? Number(m[3]);
      records = records.filter((r) => r.fields[m[1]] === wanted);
    }
    const size = Math.min(100, Number(url.searchParams.get("pageSize") ?? 100));
    const start = Number(url.searchParams.get("offset") ?? 0);
    const page = records.slice(start, start + size);
    const more = start + size < records.length;
    return send(200, { records: page, ...(more && { offset: String(start + size) }) });
  });
  return serveForTests(server, (url) => project.provide("airtableApiUrl", url));
}
