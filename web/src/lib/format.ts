import type { NodeSizes } from "../api/executions";

/** "3 minutes ago", "yesterday", or a date for anything older than a week. */
export function formatRelative(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return "";
  const seconds = Math.round((then - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  if (abs < 7 * 86400) return rtf.format(Math.round(seconds / 86400), "day");
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** "512 B", "1.2 KB", "3.4 MB" (1 KB = 1,024 bytes, as the server's limits are written). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A loaded record's sizes (for pages that have its data anyway), counted as the server stores them. */
export function recordSizes(record: { input: unknown; output: unknown }): NodeSizes {
  return { inputBytes: jsonBytes(record.input), outputBytes: jsonBytes(record.output) };
}

/** UTF-8 bytes of `value` as JSON (how the server measures a record); null for none. */
export function jsonBytes(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}

/** A node's record sizes for its badge: "in 1.2 KB · out 3.4 KB" (a side without a record is left out). */
export function formatSizes(sizes: NodeSizes | undefined): string | null {
  if (!sizes) return null;
  const parts: string[] = [];
  if (sizes.inputBytes !== null) parts.push(`in ${formatBytes(sizes.inputBytes)}`);
  if (sizes.outputBytes !== null) parts.push(`out ${formatBytes(sizes.outputBytes)}`);
  return parts.length > 0 ? parts.join(" · ") : null;
}
