/**
 * The part of JSON Schema the node types use (zod's `toJSONSchema`), and how each schema becomes one
 * kind of form field. Pure functions, so the form generator's decisions are tested without a browser.
 */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  /** Labels for enum values, set with zod's `.meta({ optionLabels: { value: "Label" } })`. */
  optionLabels?: Record<string, string>;
  const?: unknown;
  format?: string;
  /** `text/javascript` marks a string that is JavaScript (the code node's `code`): drawn as a code editor. */
  contentMediaType?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** What a schema is drawn as. `any` is a value of any type: text (maybe an expression) or JSON. */
export type FieldKind =
  | { kind: "enum"; options: string[] }
  | { kind: "boolean" }
  | { kind: "number"; integer: boolean }
  | { kind: "string"; multiline: boolean }
  | { kind: "code"; language: "javascript" }
  | { kind: "record"; values: JsonSchema }
  | { kind: "object"; properties: [string, JsonSchema][]; required: Set<string> }
  | { kind: "list"; items: JsonSchema }
  | { kind: "any" };

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/** The one non-null alternative of `X | null` (zod's nullable/nullish), or the schema itself. */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const rest = alternatives.filter((s) => !(typesOf(s).length === 1 && typesOf(s)[0] === "null"));
    if (rest.length === 1)
      return {
        ...rest[0],
        description: schema.description ?? rest[0].description,
        default: schema.default ?? rest[0].default,
      };
  }
  const types = typesOf(schema).filter((t) => t !== "null");
  if (types.length === 1 && Array.isArray(schema.type)) return { ...schema, type: types[0] };
  return schema;
}

export function fieldKind(input: JsonSchema): FieldKind {
  const schema = unwrapNullable(input);
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) {
    return { kind: "enum", options: schema.enum as string[] };
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    // A union of constants is an enum; a union of scalars (string | number | boolean) is typed as text.
    const consts = alternatives.map((s) => s.const);
    if (consts.every((c) => typeof c === "string")) return { kind: "enum", options: consts as string[] };
    return { kind: "any" };
  }
  const [type] = typesOf(schema);
  switch (type) {
    case "boolean":
      return { kind: "boolean" };
    case "number":
    case "integer":
      return { kind: "number", integer: type === "integer" };
    case "string":
      if (schema.contentMediaType === "text/javascript") return { kind: "code", language: "javascript" };
      return { kind: "string", multiline: (schema.maxLength ?? 0) > 200 };
    case "array":
      return { kind: "list", items: schema.items ?? {} };
    case "object": {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0 && schema.additionalProperties !== false) {
        return {
          kind: "record",
          values: typeof schema.additionalProperties === "object" ? schema.additionalProperties : {},
        };
      }
      return { kind: "object", properties, required: new Set(schema.required ?? []) };
    }
    default:
      return { kind: "any" };
  }
}

/** "timeoutMs" → "Timeout ms", "keepInput" → "Keep input": a label when the schema has no title. */
export function labelFor(name: string, schema?: JsonSchema): string {
  if (schema?.title) return schema.title;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What a dropdown shows for one option: the schema's own label when it has one (`optionLabels` meta, or
 * the `title` of a `oneOf` constant), else the value made readable ("lastNode" → "Last node"). Values
 * written in capitals (HTTP methods) stay as they are.
 */
export function optionLabel(value: string, input: JsonSchema): string {
  const schema = unwrapNullable(input);
  const given = schema.optionLabels?.[value];
  if (given) return given;
  const alternatives = [...(input.anyOf ?? input.oneOf ?? []), ...(schema.anyOf ?? schema.oneOf ?? [])];
  const alternative = alternatives.find((s) => s.const === value);
  if (alternative?.title) return alternative.title;
  if (/^[A-Z0-9_]+$/.test(value)) return value;
  return labelFor(value);
}

/** The empty choice of an optional dropdown: says what happens when nothing is chosen. */
export function emptyOptionLabel(input: JsonSchema): string {
  const schema = unwrapNullable(input);
  return typeof schema.default === "string" ? `Default (${optionLabel(schema.default, schema)})` : "Not set";
}

/** "Fields" → "Add field", "Headers" → "Add header", "Query" → "Add to query". */
export function addButtonLabel(label: string): string {
  const lower = label.toLowerCase();
  return lower.endsWith("s") && !lower.endsWith("ss") ? `Add ${lower.slice(0, -1)}` : `Add to ${lower}`;
}

/** An empty value of the schema's kind: what "Add item" appends to a list. */
export function emptyValueFor(schema: JsonSchema): unknown {
  const kind = fieldKind(schema);
  if (schema.default !== undefined) return structuredClone(schema.default);
  switch (kind.kind) {
    case "enum":
      return kind.options[0];
    case "boolean":
      return false;
    case "number":
      return 0;
    case "string":
    case "any":
      return "";
    case "list":
      return [];
    case "record":
      return {};
    case "object": {
      const value: Record<string, unknown> = {};
      for (const [name, property] of kind.properties) {
        if (kind.required.has(name)) value[name] = emptyValueFor(property);
      }
      return value;
    }
  }
}

/**
 * A free-form value typed as text: JSON objects and arrays become values, everything else stays the text
 * typed (so `{{ $json.x }}` and plain words keep working).
 */
export function parseLooseValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") && !trimmed.startsWith("{{")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  if (trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

export function formatLooseValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value, null, 2);
}
