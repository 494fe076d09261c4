import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { defineNode } from "./node-type";
import { readCredential } from "./lib/credential";
import { callJsonApi, type JsonApiRequest } from "./lib/json-api";

const NOTION_API = "https://api.notion.com";
/** The API version this node's request and response shapes are written for. */
const NOTION_VERSION = "2022-06-28";
/** Notion refuses a rich-text object longer than this. */
const TEXT_LIMIT = 2000;

const notionCredential = z.object({ apiKey: z.string().min(1), baseUrl: z.string().url().optional() });

/** A database's 32-hex-digit ID, also inside its URL (notion.so/<workspace>/<Title>-<ID>?v=…), dashed or not. */
const databaseId = z
  .string()
  .trim()
  .transform((value) => {
    const hex = /([0-9a-f]{32})(?:[?#/]|$)/i.exec(value.replaceAll("-", ""))?.[1];
    return hex ? hex.toLowerCase() : value;
  })
  .pipe(z.string().regex(/^[0-9a-f]{32}$/, "must be a Notion database ID (32 hex digits) or its URL"))
  .describe("The database: its ID or its URL (Share → Copy link)");

type Property = { type: string } & Record<string, unknown>;
type Page = {
  id: string;
  url?: string;
  created_time?: string;
  last_edited_time?: string;
  properties?: Record<string, Property>;
};

/**
 * Notion API: create a page in a database (`POST /v1/pages`), or query a database's pages
 * (`POST /v1/databases/{id}/query`). Property values are given simply (`{ "Status": "Done", "Tags":
 * ["a"] }`) and written in the shape each property's type needs, read from the database; outputs are
 * simplified the same way (n8n's "Simplify"). Integration token from a `notionApi` credential; the
 * database must be shared with the integration.
 */
export const notion = defineNode({
  type: "notion",
  version: 1,
  title: "Notion",
  description:
    "Creates a page in a Notion database, or gets the database's pages (with a filter and sorts). Outputs the page(s), simplified.",
  category: "communication",
  icon: "notion",
  parameters: z
    .object({
      operation: z
        .enum(["create", "getAll"])
        .default("create")
        .describe("create: a new page (row) in the database; getAll: the database's pages"),
      databaseId,
      title: z
        .string()
        .max(TEXT_LIMIT)
        .optional()
        .describe("create: the page title (the database's title property)"),
      properties: z
        .record(z.string().min(1), z.unknown())
        .default({})
        .describe(
          "create: property name → value: text, number, true/false, a select or status name, a list of names for multi-select, an ISO date, or Notion's own property object",
        ),
      content: z
        .string()
        .max(100_000)
        .optional()
        .describe("create: the page's text; each paragraph (blank-line separated) becomes a paragraph block"),
      filter: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          'getAll: a Notion filter object, e.g. { "property": "Status", "status": { "equals": "Done" } }',
        ),
      sorts: z
        .array(z.record(z.string(), z.unknown()))
        .optional()
        .describe('getAll: Notion sorts, e.g. [{ "property": "Due", "direction": "ascending" }]'),
      returnAll: z
        .boolean()
        .default(false)
        .describe("getAll: every page (up to 1000), not only the first `limit`"),
      limit: z.number().int().min(1).max(100).default(50).describe("getAll: how many pages at most"),
      simple: z
        .boolean()
        .default(true)
        .describe("Output property values as plain values instead of Notion's objects"),
    })
    .strict(),
  credential: { types: ["notionApi"], required: true },
  outputs: ["main"],
  // A repeated create makes a second page: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const { apiKey, baseUrl } = readCredential(ctx.credential, notionCredential, "Notion", "an apiKey");
    const p = ctx.params;
    const call = (request: Pick<JsonApiRequest, "method" | "path" | "body" | "maxAttempts">) =>
      callJsonApi({
        service: "Notion",
        baseUrl: baseUrl ?? NOTION_API,
        auth: { bearer: apiKey },
        headers: { "notion-version": NOTION_VERSION },
        fetch: ctx.fetch,
        signal: ctx.signal,
        timeoutMs: 30_000,
        ...request,
      });
    const shape = (page: Page) => (p.simple ? simplifyPage(page) : page);

    if (p.operation === "getAll") {
      const pages: Page[] = [];
      const wanted = p.returnAll ? 1000 : p.limit;
      let cursor: string | undefined;
      let hasMore = true;
      while (hasMore && pages.length < wanted) {
        const answer = await call({
          path: `/v1/databases/${p.databaseId}/query`,
          body: {
            page_size: Math.min(100, wanted - pages.length),
            ...(cursor && { start_cursor: cursor }),
            ...(p.filter && { filter: p.filter }),
            ...(p.sorts && { sorts: p.sorts }),
          },
        });
        const list = answer.body as { results?: Page[]; has_more?: boolean; next_cursor?: string | null };
        pages.push(...(list.results ?? []));
        hasMore = list.has_more === true && typeof list.next_cursor === "string";
        cursor = list.next_cursor ?? undefined;
      }
      return { output: { pages: pages.map(shape), count: pages.length, hasMore } };
    }

    const database = await call({ method: "GET", path: `/v1/databases/${p.databaseId}` });
    const schema = (database.body as { properties?: Record<string, Property> }).properties ?? {};
    const properties: Record<string, unknown> = {};
    const titleName = Object.keys(schema).find((name) => schema[name].type === "title");
    if (p.title !== undefined && titleName) properties[titleName] = { title: richText(p.title) };
    for (const [name, value] of Object.entries(p.properties)) {
      const property = schema[name];
      if (!property) {
        throw new NonRetryableError(
          `Notion: the database has no property "${name}" (it has: ${Object.keys(schema).join(", ")})`,
        );
      }
      properties[name] = propertyValue(name, property.type, value);
    }
    const children = (p.content ?? "")
      .split(/\r?\n\s*\r?\n/)
      .map((text) => text.trim())
      .filter((text) => text !== "")
      .map((text) => ({ object: "block", type: "paragraph", paragraph: { rich_text: richText(text) } }));
    const created = await call({
      path: "/v1/pages",
      body: { parent: { database_id: p.databaseId }, properties, ...(children.length > 0 && { children }) },
      maxAttempts: 1,
    });
    return { output: shape(created.body as Page) };
  },
});

/** Text as Notion rich text, in pieces of at most 2000 characters. */
function richText(text: string): { type: "text"; text: { content: string } }[] {
  const pieces = text.match(new RegExp(`[\\s\\S]{1,${TEXT_LIMIT}}`, "g")) ?? [""];
  return pieces.map((content) => ({ type: "text", text: { content } }));
}

/** A simple value in the shape a property of `type` takes; Notion's own `{ [type]: … }` object passes as is. */
function propertyValue(name: string, type: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && type in value) return value;
  const names = Array.isArray(value)
    ? value.map(String)
    : String(value ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
  const ids = names.map((id) => ({ id }));
  switch (type) {
    case "title":
    case "rich_text":
      return { [type]: richText(String(value ?? "")) };
    case "number": {
      const n = value === null || value === "" ? null : Number(value);
      if (n !== null && Number.isNaN(n))
        throw new NonRetryableError(
          `Notion: property "${name}" needs a number, got ${JSON.stringify(value)}`,
        );
      return { number: n };
    }
    case "checkbox":
      return { checkbox: value === true || value === "true" };
    case "select":
    case "status":
      return { [type]: value === null || value === "" ? null : { name: String(value) } };
    case "multi_select":
      return { multi_select: names.map((n) => ({ name: n })) };
    case "date":
      return { date: value === null || value === "" ? null : { start: String(value) } };
    case "url":
    case "email":
    case "phone_number":
      return { [type]: value === null || value === "" ? null : String(value) };
    case "people":
    case "relation":
      return { [type]: ids };
    default:
      throw new NonRetryableError(
        `Notion: property "${name}" is of type ${type}, which this node cannot write from a plain value (give Notion's own { "${type}": … } object)`,
      );
  }
}

/** A page with each property as a plain value: text, number, name(s), date start, ids. */
function simplifyPage(page: Page): Record<string, unknown> {
  const properties = Object.fromEntries(
    Object.entries(page.properties ?? {}).map(([name, property]) => [name, simpleValue(property)]),
  );
  return {
    id: page.id,
    url: page.url,
    created_time: page.created_time,
    last_edited_time: page.last_edited_time,
    properties,
  };
}

function simpleValue(property: Property): unknown {
  const value = property[property.type] as unknown;
  const text = (parts: unknown) =>
    Array.isArray(parts) ? parts.map((t) => (t as { plain_text?: string }).plain_text ?? "").join("") : "";
  switch (property.type) {
    case "title":
    case "rich_text":
      return text(value);
    case "select":
    case "status":
      return (value as { name?: string } | null)?.name ?? null;
    case "multi_select":
      return Array.isArray(value) ? value.map((o) => (o as { name?: string }).name) : [];
    case "date": {
      const date = value as { start?: string; end?: string | null } | null;
      return date ? (date.end ? { start: date.start, end: date.end } : date.start) : null;
    }
    case "people":
    case "relation":
      return Array.isArray(value) ? value.map((o) => (o as { id?: string }).id) : [];
    case "formula": {
      const formula = value as ({ type: string } & Record<string, unknown>) | null;
      return formula ? formula[formula.type] : null;
    }
    default:
      return value ?? null;
  }
}
