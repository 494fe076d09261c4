/**
 * Node outputs travel through Workflows step results (capped at 1 MiB, as stored) and D1 rows, so every
 * value handed on is bounded here by its stored size, the larger of:
 * - its UTF-8 JSON (the D1 record), and
 * - its structured-clone size (the step result): strings are kept as Latin-1 (1 byte a character) or,
 *   when any character is above U+00FF, as UTF-16 (2 bytes a code unit), so "é" is 1 byte and "€" 2.
 * An output over the limit fails its node with a NonRetryableError (the same value is too large on every
 * attempt); it never flows on as data. Only records shown to people (a node's input) may carry the
 * `__truncated` marker instead of a large value.
 */
import { NonRetryableError } from "cloudflare:workflows";

/** Leaves room under the 1 MiB step-result cap for the envelope (`branch`, keys, other nodes of a group). */
export const MAX_RECORDED_BYTES = 900 * 1024;
const PREVIEW_CHARS = 4096;

export interface TruncatedValue {
  __truncated: true;
  originalBytes: number;
  preview: string;
}

/** Plain JSON data (dates become strings, `undefined` null) and its stored size in bytes. */
export function toStoredJson(value: unknown): { json: unknown; text: string; bytes: number } {
  const text = JSON.stringify(value ?? null) ?? "null";
  const json: unknown = JSON.parse(text);
  return { json, text, bytes: Math.max(new TextEncoder().encode(text).byteLength, cloneSize(json)) };
}

/**
 * The output as it may be handed on: plain JSON within `maxBytes` of stored size. Throws a
 * NonRetryableError naming the node when it is larger.
 */
export function boundedOutput(value: unknown, nodeName: string, maxBytes = MAX_RECORDED_BYTES): unknown {
  const { json, bytes } = toStoredJson(value);
  if (bytes > maxBytes) {
    throw new NonRetryableError(
      `Node "${nodeName}": its output is ${formatBytes(bytes)} when stored, over the ${formatBytes(maxBytes)} ` +
        "limit for a node's output; return less data (e.g. pick fields, or split the list)",
    );
  }
  return json;
}

/**
 * For records people read (a node's input): plain JSON, or when its stored size is over `maxBytes`,
 * `{ __truncated: true, originalBytes, preview }`. Never used for data handed to another node.
 */
export function boundJson(value: unknown, maxBytes = MAX_RECORDED_BYTES): unknown {
  const { json, text, bytes } = toStoredJson(value);
  if (bytes <= maxBytes) return json;
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

/** An upper estimate of V8's structured-clone size of plain JSON data (tags, lengths, string bytes). */
export function cloneSize(value: unknown): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "number") return 9;
  if (typeof value === "string") return stringSize(value);
  if (Array.isArray(value)) {
    let size = 6;
    for (const item of value) size += cloneSize(item);
    return size;
  }
  let size = 6;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    size += stringSize(key) + cloneSize(item);
  }
  return size;
}

function stringSize(s: string): number {
  // One-byte (Latin-1) strings store a byte a character; any other character makes the string two-byte.
  let twoByte = false;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      twoByte = true;
      break;
    }
  }
  return 5 + (twoByte ? s.length * 2 : s.length);
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
