import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { defineNode } from "./node-type";
import { googleAccount, googleErrorText } from "./lib/google";
import { callJsonApi, type JsonApiRequest } from "./lib/json-api";

const SHEETS_API = "https://sheets.googleapis.com";
const SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets";

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
type Cell = z.infer<typeof cell>;

/** A spreadsheet's ID, also when the whole URL (…/spreadsheets/d/<ID>/edit#gid=0) is pasted. */
const documentId = z
  .string()
  .trim()
  .min(1)
  .transform((value) => /\/spreadsheets\/d\/([\w-]+)/.exec(value)?.[1] ?? value)
  .pipe(z.string().regex(/^[\w-]+$/, "must be a spreadsheet ID or its URL"))
  .describe("The spreadsheet: its ID or its URL (https://docs.google.com/spreadsheets/d/<ID>/edit)");

/**
 * Google Sheets API v4 (`spreadsheets.values`): append rows under a sheet's header row, or read the rows as
 * objects keyed by it. The names follow n8n's Google Sheets node (operation, documentId, sheetName,
 * mappingMode, cellFormat, headerRow), so an n8n user finds the same fields. Token: an `oauth2` credential
 * connected with the `google` preset and the spreadsheets scope.
 */
export const googleSheets = defineNode({
  type: "googleSheets",
  version: 1,
  title: "Google Sheets",
  description:
    "Appends rows to a sheet, matched to its header row, or reads its rows as objects. Outputs what was written or read.",
  category: "communication",
  icon: "table",
  parameters: z
    .object({
      operation: z
        .enum(["append", "read"])
        .default("append")
        .describe("append: add rows under the last row; read: every row as { column: value }"),
      documentId,
      sheetName: z.string().min(1).max(100).default("Sheet1").describe("The sheet (tab) name"),
      mappingMode: z
        .enum(["defineBelow", "autoMapInputData"])
        .default("defineBelow")
        .describe(
          "append: defineBelow writes `values`; autoMapInputData writes the input's fields named like columns (an input list: one row each)",
        ),
      values: z
        .record(z.string().min(1), cell)
        .optional()
        .describe("append, defineBelow: column name → value (may use {{ }} expressions)"),
      handlingExtraData: z
        .enum(["error", "ignoreIt"])
        .default("error")
        .describe("append: a field with no column of that name fails the node (error) or is left out"),
      cellFormat: z
        .enum(["USER_ENTERED", "RAW"])
        .default("USER_ENTERED")
        .describe(
          "append: USER_ENTERED parses values as if typed (numbers, dates, =formulas); RAW stores text",
        ),
      headerRow: z
        .number()
        .int()
        .min(1)
        .default(1)
        .describe("The row holding the column names (rows above it are ignored)"),
      valueRenderMode: z
        .enum(["FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"])
        .default("FORMATTED_VALUE")
        .describe("read: values as shown (text), as numbers and booleans, or the formulas"),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.operation === "append" && p.mappingMode === "defineBelow" && !p.values) {
        ctx.addIssue({
          code: "custom",
          path: ["values"],
          message: "is required to append (or use autoMapInputData)",
        });
      }
    }),
  credential: { types: ["oauth2"], required: true },
  outputs: ["main"],
  // A repeated append adds the rows twice: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const { token, apiBaseUrl } = googleAccount(ctx.credential, "Google Sheets");
    const p = ctx.params;
    const sheet = `'${p.sheetName.replaceAll("'", "''")}'`;
    const call = (request: Pick<JsonApiRequest, "method" | "path" | "query" | "body" | "maxAttempts">) =>
      callJsonApi({
        service: "Google Sheets",
        baseUrl: apiBaseUrl ?? SHEETS_API,
        auth: { bearer: token },
        errorText: googleErrorText(SHEETS_SCOPE, (message) =>
          message.startsWith("Unable to parse range")
            ? `no sheet named "${p.sheetName}" in this spreadsheet (${message})`
            : undefined,
        ),
        fetch: ctx.fetch,
        signal: ctx.signal,
        timeoutMs: 30_000,
        ...request,
      });
    const values = (range: string) =>
      `/v4/spreadsheets/${encodeURIComponent(p.documentId)}/values/${encodeURIComponent(range)}`;

    if (p.operation === "read") {
      const answer = await call({
        method: "GET",
        path: values(sheet),
        query: { majorDimension: "ROWS", valueRenderOption: p.valueRenderMode },
      });
      const grid = ((answer.body as { values?: Cell[][] }).values ?? []) as Cell[][];
      const header = (grid[p.headerRow - 1] ?? []).map(String);
      const rows = grid.slice(p.headerRow).map((cells, i) => {
        // n8n's row_number: the row's number in the sheet, to find it again.
        const row: Record<string, Cell> = { row_number: p.headerRow + 1 + i };
        header.forEach((name, c) => {
          if (name !== "") row[name] = cells[c] ?? "";
        });
        return row;
      });
      return { output: { rows, rowCount: rows.length } };
    }

    const records = recordsToAppend(p.mappingMode, p.values, ctx.input);
    const headerAnswer = await call({
      method: "GET",
      path: values(`${sheet}!${p.headerRow}:${p.headerRow}`),
      query: { majorDimension: "ROWS", valueRenderOption: "FORMATTED_VALUE" },
    });
    let header = (((headerAnswer.body as { values?: Cell[][] }).values ?? [])[0] ?? []).map(String);
    if (header.every((name) => name === "")) {
      // An empty sheet: its header row becomes the fields' names, in the order first seen.
      header = [...new Set(records.flatMap((r) => Object.keys(r)))];
      await call({
        method: "PUT",
        path: values(`${sheet}!A${p.headerRow}`),
        query: { valueInputOption: "RAW" },
        body: { majorDimension: "ROWS", values: [header] },
        maxAttempts: 1,
      });
    }
    if (header.length === 0) {
      throw new NonRetryableError(
        `Google Sheets: nothing to append (no fields, and row ${p.headerRow} has no column names)`,
      );
    }
    const unknown = [...new Set(records.flatMap((r) => Object.keys(r)))].filter((k) => !header.includes(k));
    if (unknown.length > 0 && p.handlingExtraData === "error") {
      // No retry can fix this: it fails at once, like a 4xx.
      throw new NonRetryableError(
        `Google Sheets: no column named ${unknown.map((k) => `"${k}"`).join(", ")} in row ${p.headerRow} of "${p.sheetName}" (columns: ${header.join(", ")}); set handlingExtraData to ignoreIt to leave such fields out`,
      );
    }
    const grid = records.map((r) =>
      header.map((name) => (r[name] === undefined || r[name] === null ? "" : r[name])),
    );
    const answer = await call({
      method: "POST",
      path: `${values(`${sheet}!A${p.headerRow}`)}:append`,
      query: { valueInputOption: p.cellFormat, insertDataOption: "INSERT_ROWS" },
      body: { majorDimension: "ROWS", values: grid },
      maxAttempts: 1,
    });
    const updates =
      (answer.body as { updates?: { updatedRange?: string; updatedRows?: number } }).updates ?? {};
    const written = records.map((r) =>
      Object.fromEntries(header.filter((h) => h in r).map((h) => [h, r[h]])),
    );
    return {
      output: {
        spreadsheetId: p.documentId,
        updatedRange: updates.updatedRange ?? null,
        updatedRows: updates.updatedRows ?? 0,
        rows: written,
      },
    };
  },
});

/** The rows to write: `values`, or (autoMapInputData) the input object, or each object of an input list. */
function recordsToAppend(
  mode: "defineBelow" | "autoMapInputData",
  values: Record<string, Cell> | undefined,
  input: unknown,
): Record<string, Cell>[] {
  if (mode === "defineBelow") return [values ?? {}];
  const items = Array.isArray(input) ? input : [input];
  if (items.length === 0 || !items.every((i) => i !== null && typeof i === "object" && !Array.isArray(i))) {
    throw new NonRetryableError(
      "Google Sheets: autoMapInputData needs an input object (or a list of objects) whose fields are named like the columns",
    );
  }
  return items.map((item) =>
    Object.fromEntries(
      Object.entries(item as Record<string, unknown>).map(([k, v]) => [
        k,
        v === null || ["string", "number", "boolean"].includes(typeof v) ? (v as Cell) : JSON.stringify(v),
      ]),
    ),
  );
}
