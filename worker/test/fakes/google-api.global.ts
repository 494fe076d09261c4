/**
 * vitest globalSetup (runs in Node, outside workerd): a local server shaped like Google's Sheets API v4
 * (`spreadsheets.values` get / update / append), so the googleSheets node is tested against the protocol:
 * A1 ranges with quoted sheet names in the path, `valueInputOption`, `valueRenderOption`, and Google's
 * error body `{ error: { code, message, status, details } }`.
 *
 *   GET  /v4/spreadsheets/<id>/values/<range>            → { range, majorDimension, values? }
 *   PUT  /v4/spreadsheets/<id>/values/<range>            `{ values }` → { updatedRange, updatedRows, … }
 *   POST /v4/spreadsheets/<id>/values/<range>:append     `{ values }` → { tableRange?, updates: { … } }
 *   POST /__sheets/<id>   `{ "<sheet>": [[…], …] }` creates a spreadsheet (test set-up)
 *   GET  /__sheets/<id>   its sheets as stored, for assertions
 * Like Google: no bearer or `ya29.revoked…` → 401 UNAUTHENTICATED; `ya29.noscope…` → 403 with reason
 * ACCESS_TOKEN_SCOPE_INSUFFICIENT; an unknown spreadsheet → 404 "Requested entity was not found.";
 * spreadsheet `private` → 403 "The caller does not have permission"; `busy` → 429 RESOURCE_EXHAUSTED with
 * Retry-After; an unknown sheet → 400 "Unable to parse range: …". USER_ENTERED turns "42" into a number
 * ; RAW keeps text. FORMATTED_VALUE answers text. Reached with `inject("googleApiUrl")`.
 */
import { createServer } from "node:http";
import type { TestProject } from "vitest/node";
import { readAll, serveForTests } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    googleApiUrl: string;
  }
}

type Cell = string | number | boolean;
type Sheets = Map<string, Cell[][]>;

/** `'My sheet'!A2:C`, `Sheet1`, `'S'!3:3` → the sheet name and the first row (1-based) the range starts at. */
function parseRange(range: string): { sheet: string; row: number; rowsOnly: boolean } | null {
  const match = /^(?:'((?:[^']|'')+)'|([^'!]+))(?:!([A-Z]*)(\d+)?(?::[A-Z]*\d*)?)?$/.exec(range);
  if (!match) return null;
  const sheet = (match[1] ?? match[2]).replaceAll("''", "'");
  return { sheet, row: match[4] ? Number(match[4]) : 1, rowsOnly: match[3] === "" };
}

const columnName = (n: number) => {
  let name = "";
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) name = String.fromCharCode(65 + ((i - 1) % 26)) + name;
  return name;
};
const a1 = (sheet: string, fromRow: number, toRow: number, columns: number) =>
  `${/^\w+$/.test(sheet) ? sheet : `'${sheet.replaceAll("'", "''")}'`}!A${fromRow}:${columnName(Math.max(columns, 1))}${toRow}`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const spreadsheets = new Map<string, Sheets>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (
      code: number,
      status: string,
      message: string,
      details: unknown[] = [],
      headers: Record<string, string> = {},
    ) => send(code, { error: { code, message, status, ...(details.length && { details }) } }, headers);

    const seed = /^\/__sheets\/([\w-]+)$/.exec(url.pathname);
    if (seed && req.method === "POST") {
      const body = JSON.parse(await readAll(req)) as Record<string, Cell[][]>;
      spreadsheets.set(seed[1], new Map(Object.entries(body)));
      return send(200, {});
    }
    if (seed) return send(200, Object.fromEntries(spreadsheets.get(seed[1]) ?? []));

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!token.startsWith("ya29.") || token.startsWith("ya29.revoked")) {
      return fail(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      );
    }
    if (token.startsWith("ya29.noscope")) {
      return fail(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
          domain: "googleapis.com",
          metadata: { service: "sheets.googleapis.com", method: "google.apps.sheets.v4.SpreadsheetsService" },
        },
      ]);
    }

    // The range is one path segment, percent-encoded; `:append` follows it.
    const route = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+?)(:append)?$/.exec(url.pathname);
    if (!route) return fail(404, "NOT_FOUND", "Requested entity was not found.");
    const [, id, encodedRange, append] = route;
    if (id === "private") return fail(403, "PERMISSION_DENIED", "The caller does not have permission");
    if (id === "busy") {
      return fail(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'.",
        [],
        { "retry-after": "30" },
      );
    }
    const book = spreadsheets.get(id);
    if (!book) return fail(404, "NOT_FOUND", "Requested entity was not found.");
    const rangeText = decodeURIComponent(encodedRange);
    const range = parseRange(rangeText);
    const rows = range && book.get(range.sheet);
    if (!range || !rows) return fail(400, "INVALID_ARGUMENT", `Unable to parse range: ${rangeText}`);

    if (req.method === "GET") {
      const from = range.row;
      const to = range.rowsOnly ? from : rows.length;
      const slice = rows.slice(from - 1, to);
      const render = url.searchParams.get("valueRenderOption") ?? "FORMATTED_VALUE";
      // Formulas are not evaluated here: UNFORMATTED_VALUE and FORMULA both answer what was stored.
      const values = slice.map((r) => r.map((c) => (render === "FORMATTED_VALUE" ? String(c) : c)));
      const width = Math.max(0, ...slice.map((r) => r.length));
      return send(200, {
        range: a1(range.sheet, from, Math.max(to, from), width),
        majorDimension: "ROWS",
        ...(values.some((r) => r.length > 0) && { values }),
      });
    }

    const body = JSON.parse(await readAll(req)) as { values?: unknown[][] };
    const option = url.searchParams.get("valueInputOption");
    if (option !== "RAW" && option !== "USER_ENTERED") {
      return fail(400, "INVALID_ARGUMENT", "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED");
    }
    const entered = (body.values ?? []).map((r) =>
      r.map((c): Cell => {
        if (option === "USER_ENTERED" && typeof c === "string" && /^-?\d+(\.\d+)?$/.test(c)) return Number(c);
        return c as Cell;
      }),
    );
    const width = Math.max(0, ...entered.map((r) => r.length));
    const cells = entered.reduce((n, r) => n + r.length, 0);

    if (req.method === "PUT" && !append) {
      entered.forEach((r, i) => {
        rows[range.row - 1 + i] = r;
      });
      for (let i = 0; i < rows.length; i++) rows[i] ??= [];
      return send(200, {
        spreadsheetId: id,
        updatedRange: a1(range.sheet, range.row, range.row + entered.length - 1, width),
        updatedRows: entered.length,
        updatedColumns: width,
        updatedCells: cells,
      });
    }
    if (req.method === "POST" && append) {
      // Google finds the table at the range and writes below its last row.
      let last = rows.length;
      while (last > 0 && rows[last - 1].every((c) => c === "")) last--;
      const start = Math.max(last, range.row - 1) + 1;
      const tableRange =
        last >= range.row ? a1(range.sheet, range.row, last, rows[range.row - 1]?.length ?? 0) : undefined;
      rows.splice(start - 1, 0, ...entered);
      return send(200, {
        spreadsheetId: id,
        ...(tableRange && { tableRange }),
        updates: {
          spreadsheetId: id,
          updatedRange: a1(range.sheet, start, start + entered.length - 1, width),
          updatedRows: entered.length,
          updatedColumns: width,
          updatedCells: cells,
        },
      });
    }
    return fail(404, "NOT_FOUND", "Requested entity was not found.");
  });

  return serveForTests(server, (url) => project.provide("googleApiUrl", url));
}
