/**
 * Save problems in words a person reads: "URL is required", "Seconds must be at least 1", "Node name
 * cannot be empty", instead of the validator's "Invalid input: expected string, received undefined" or
 * "nodes.2.name: Too small: expected string to have >=1 characters". The field is named by the schema's
 * `title` where it has one (zod `.meta({ title })`), else by its key made readable.
 */
import { z } from "zod";

type Issue = z.core.$ZodIssue;

/** Names for keys that read badly when only split at capitals. */
const KNOWN_WORDS: Record<string, string> = {
  url: "URL",
  id: "ID",
  ms: "(ms)",
  api: "API",
  http: "HTTP",
  json: "JSON",
};

/** "timeoutMs" → "Timeout (ms)", "url" → "URL", "keepInput" → "Keep input". */
export function readableKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
    .trim()
    .split(/\s+/)
    .map((word) => KNOWN_WORDS[word] ?? word);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The schema at `path` inside `schema` (through optional, default, nullable, objects, arrays, records). */
function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current = schema;
  for (const key of path) {
    current = unwrap(current);
    if (!current) return undefined;
    const def = (current as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === "object") current = (def.shape as Record<string, z.ZodType>)[String(key)];
    else if (def.type === "array") current = def.element as z.ZodType;
    else if (def.type === "record") current = def.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let i = 0; i < 10 && current; i++) {
    const def = (current as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
    if (!["optional", "default", "nullable", "prefault", "readonly", "catch"].includes(def.type)) break;
    current = def.innerType;
  }
  return current;
}

function titleOf(schema: z.ZodType | undefined): string | undefined {
  for (const s of [schema, unwrap(schema)]) {
    const title = s ? (z.globalRegistry.get(s) as { title?: unknown } | undefined)?.title : undefined;
    if (typeof title === "string" && title) return title;
  }
  return undefined;
}

/** The label of the field at `path`: its schema title, or the last key that is not a list index. */
export function fieldLabel(schema: z.ZodType | undefined, path: readonly PropertyKey[]): string {
  const title = titleOf(schemaAt(schema, path));
  if (title) return title;
  // An entry of a record (set's `fields`, a request's `headers`) is named by the record and its key.
  const parent = unwrap(schemaAt(schema, path.slice(0, -1)));
  const parentType = (parent as unknown as { _zod?: { def: { type: string } } } | undefined)?._zod?.def.type;
  if (parentType === "record" && path.length > 0) {
    return `${fieldLabel(schema, path.slice(0, -1))} › ${String(path.at(-1))}`;
  }
  const named = [...path].reverse().find((key) => typeof key === "string");
  const label = named === undefined ? "Value" : readableKey(String(named));
  const index = path.at(-1);
  return typeof index === "number" ? `${label} item ${index + 1}` : label;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
};

/** One zod issue as a sentence that starts with the field's label. */
export function describeIssue(issue: Issue, schema: z.ZodType | undefined, data: unknown): string {
  const label = fieldLabel(schema, issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (valueAt(data, issue.path) === undefined) return `${label} is required`;
      return `${label} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") {
        return min <= 1 ? `${label} cannot be empty` : `${label} needs at least ${min} characters`;
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return `${label} needs at least ${min} ${min === 1 ? "entry" : "entries"}`;
      }
      return `${label} must be ${issue.inclusive === false ? "more than" : "at least"} ${min}`;
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return `${label} can be at most ${max} characters long`;
      if (issue.origin === "array" || issue.origin === "set") {
        return `${label} can have at most ${max} ${max === 1 ? "entry" : "entries"}`;
      }
      return `${label} must be ${issue.inclusive === false ? "less than" : "at most"} ${max}`;
    }
    case "invalid_value":
      return `${label} must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      if (issue.format === "url") return `${label} must be a full URL, like https://example.com/path`;
      if (issue.format === "datetime") {
        return `${label} must be an ISO date and time, like 2026-01-05T09:00:00.000Z`;
      }
      return `${label} must be a valid ${issue.format}`;
    case "unrecognized_keys":
      return `${label} has unknown ${issue.keys.length === 1 ? "field" : "fields"}: ${issue.keys.join(", ")}`;
    case "invalid_union":
      return `${label} is not in a form this field accepts`;
    default:
      // Custom checks (cron, time zones, …) already speak plainly; they get the label in front.
      return issue.message.startsWith(label) ? issue.message : `${label}: ${issue.message}`;
  }
}
