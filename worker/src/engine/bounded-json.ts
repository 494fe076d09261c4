/**
 * Node outputs travel through Workflows step results (capped at 1 MiB) and D1 rows, so every recorded
 * value is bounded here: plain JSON, and when it is bigger than the limit, a marker with a preview
 * instead of the value, never a crashed run.
 */

/** Leaves room under the 1 MiB step-result cap for the envelope (`branch`, keys). */
export const MAX_RECORDED_BYTES = 900 * 1024;
const PREVIEW_CHARS = 4096;

export interface TruncatedValue {
  __truncated: true;
  originalBytes: number;
  preview: string;
}

/**
 * Returns `value` as plain JSON data (dates become strings, `undefined` becomes null) or, when its JSON
 * is larger than `maxBytes`, `{ __truncated: true, originalBytes, preview }`.
 */
export function boundJson(value: unknown, maxBytes = MAX_RECORDED_BYTES): unknown {
  const text = JSON.stringify(value ?? null) ?? "null";
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes <= maxBytes) return JSON.parse(text);
  const truncated: TruncatedValue = {
    __truncated: true,
    originalBytes: bytes,
    preview: text.slice(0, PREVIEW_CHARS),
  };
  return truncated;
}

export function isTruncated(value: unknown): value is TruncatedValue {
  return (
    typeof value === "object" && value !== null && (value as { __truncated?: unknown }).__truncated === true
  );
}
