/**
 * The table view of a node's data, as n8n shows items: a list of objects becomes one row per element
 * with a column per key (in first-seen order); one object becomes a single row; a list of scalars one
 * "value" column. Cells hold scalars as they are and anything nested as compact JSON.
 */
export interface DataTable {
  columns: string[];
  rows: string[][];
  /** Rows left out beyond the limit (the tree and raw views show everything). */
  hiddenRows: number;
}

const MAX_ROWS = 200;
const MAX_COLUMNS = 40;
const MAX_CELL = 200;

export function tableOf(value: unknown): DataTable | null {
  if (value === null || typeof value !== "object") return null;
  const records = Array.isArray(value) ? value : [value];
  if (records.length === 0) return { columns: [], rows: [], hiddenRows: 0 };
  const objects = records.every((r) => r !== null && typeof r === "object" && !Array.isArray(r));
  if (!objects) {
    return {
      columns: ["value"],
      rows: records.slice(0, MAX_ROWS).map((r) => [cell(r)]),
      hiddenRows: Math.max(0, records.length - MAX_ROWS),
    };
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records.slice(0, MAX_ROWS)) {
    for (const key of Object.keys(record as object)) {
      if (!seen.has(key) && columns.length < MAX_COLUMNS) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const rows = records
    .slice(0, MAX_ROWS)
    .map((record) => columns.map((key) => cell((record as Record<string, unknown>)[key])));
  return { columns, rows, hiddenRows: Math.max(0, records.length - MAX_ROWS) };
}

function cell(value: unknown): string {
  const text =
    value === undefined ? "" : typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}
