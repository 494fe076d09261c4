/**
 * vitest globalSetup (runs in Node, outside workerd): a local server shaped like the Notion API
 * (version 2022-06-28) for databases and pages, so the notion node is tested against the protocol: the
 * `Notion-Version` header, property objects by type, cursor pagination and `{ object: "error", status,
 * code, message }` errors.
 *
 *   GET  /v1/databases/<id>          the database with its property schema
 *   POST /v1/databases/<id>/query    `{ page_size, start_cursor?, filter?, sorts? }` → `{ results, has_more, next_cursor }`
 *   POST /v1/pages                   `{ parent: { database_id }, properties, children? }` → the page
 *   POST /__databases/<id>           `{ properties: { Name: "title", … } }` creates a database (test set-up)
 *   GET  /__databases/<id>           its pages and their blocks, for assertions
 * Like Notion: no `Notion-Version` → 400 missing_version; a token other than `secret_…`/`ntn_…`, or
 * `ntn_revoked…` → 401 unauthorized; an unknown (or unshared) database → 404 object_not_found; database
 * `ffff…f0429` → 429 rate_limited with Retry-After; a property value of the wrong shape → 400 validation_error.
 * Filters: `{ property, <type>: { equals } }` and `{ and: [...] }`; other filters are a validation_error.
 * Sorts: `{ property, direction }`. Reached with `inject("notionApiUrl")`.
 */
import { createServer } from "node:http";
import type { TestProject } from "vitest/node";
import { readAll, serveForTests } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    notionApiUrl: string;
  }
}

const RATE_LIMITED = `${"f".repeat(28)}0429`;
type Schema = Record<string, string>;
type Properties = Record<string, { type: string } & Record<string, unknown>>;
interface Database {
  schema: Schema;
  pages: {
    id: string;
    url: string;
    created_time: string;
    last_edited_time: string;
    properties: Properties;
    children: unknown[];
  }[];
}

const dashed = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
const plain = (value: unknown) =>
  Array.isArray(value)
    ? value.map((t) => (t as { text?: { content?: string } }).text?.content ?? "").join("")
    : "";

/** A written property value in the shape Notion answers with (plain_text filled in), or a validation error. */
function stored(name: string, type: string, value: Record<string, unknown>): Properties[string] | string {
  if (!(type in value)) return `${name} is expected to be ${type}.`;
  const v = value[type];
  if (type === "title" || type === "rich_text") {
    if (!Array.isArray(v)) return `${name}.${type} should be an array.`;
    for (const t of v) {
      const content = (t as { text?: { content?: unknown } }).text?.content;
      if (typeof content !== "string") return `${name}.${type}[0].text.content should be defined.`;
      if (content.length > 2000)
        return `${name}.${type}[0].text.content.length should be ≤ \`2000\`, instead was \`${content.length}\`.`;
    }
    return {
      id: name,
      type,
      [type]: v.map((t) => ({ type: "text", text: (t as { text: unknown }).text, plain_text: plain([t]) })),
    };
  }
  if (type === "number" && v !== null && typeof v !== "number")
    return `${name}.number should be a number or \`null\`.`;
  if (type === "checkbox" && typeof v !== "boolean") return `${name}.checkbox should be a boolean.`;
  if (
    (type === "select" || type === "status") &&
    v !== null &&
    typeof (v as { name?: unknown }).name !== "string"
  )
    return `${name}.${type}.name should be defined.`;
  if (type === "multi_select" && !Array.isArray(v)) return `${name}.multi_select should be an array.`;
  if (type === "date" && v !== null && !/^\d{4}-\d{2}-\d{2}/.test(String((v as { start?: unknown }).start)))
    return `${name}.date.start should be a valid ISO 8601 date string.`;
  return { id: name, type, [type]: v };
}

function matches(page: Database["pages"][number], filter: Record<string, unknown>): boolean | string {
  if (Array.isArray(filter.and)) {
    const results = filter.and.map((f) => matches(page, f as Record<string, unknown>));
    return results.find((r) => typeof r === "string") ?? results.every(Boolean);
  }
  const property = page.properties[String(filter.property)];
  const [type] = Object.keys(filter).filter((k) => k !== "property");
  const condition = filter[type] as { equals?: unknown } | undefined;
  if (!condition || !("equals" in condition))
    return "body failed validation: only equals filters are supported here";
  if (!property) return false;
  const value = property[property.type];
  const simple =
    type === "title" || type === "rich_text"
      ? (value as { plain_text: string }[]).map((t) => t.plain_text).join("")
      : type === "select" || type === "status"
        ? (value as { name?: string } | null)?.name
        : value;
  return simple === condition.equals;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databases = new Map<string, Database>();
  let clock = Date.parse("2026-12-01T10:00:00.000Z");

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      send(status, { object: "error", status, code, message, request_id: crypto.randomUUID() }, headers);

    const seed = /^\/__databases\/([0-9a-f]{32})$/.exec(url.pathname);
    if (seed && req.method === "POST") {
      const { properties } = JSON.parse(await readAll(req)) as { properties: Schema };
      databases.set(seed[1], { schema: properties, pages: [] });
      return send(200, {});
    }
    if (seed) return send(200, databases.get(seed[1])?.pages ?? null);

    if (!req.headers["notion-version"]) {
      return fail(
        400,
        "missing_version",
        "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.",
      );
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!/^(secret_|ntn_)/.test(token) || token.startsWith("ntn_revoked"))
      return fail(401, "unauthorized", "API token is invalid.");
    let body: Record<string, unknown> = {};
    if (req.method === "POST") {
      try {
        body = JSON.parse(await readAll(req));
      } catch {
        return fail(400, "invalid_json", "Error parsing JSON body.");
      }
    }
    const notFound = (id: string) =>
      fail(
        404,
        "object_not_found",
        `Could not find database with ID: ${dashed(id)}. Make sure the relevant pages and databases are shared with your integration.`,
      );

    const route = /^\/v1\/databases\/([0-9a-f]{32})(\/query)?$/.exec(url.pathname);
    if (route) {
      const [, id, query] = route;
      if (id === RATE_LIMITED)
        return fail(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.", {
          "retry-after": "1",
        });
      const db = databases.get(id);
      if (!db) return notFound(id);
      if (!query && req.method === "GET") {
        const properties = Object.fromEntries(
          Object.entries(db.schema).map(([name, type]) => [name, { id: name, name, type, [type]: {} }]),
        );
        return send(200, {
          object: "database",
          id: dashed(id),
          title: [{ type: "text", plain_text: "Tasks" }],
          properties,
        });
      }
      if (query && req.method === "POST") {
        let pages = db.pages;
        if (body.filter) {
          const results = pages.map((page) => matches(page, body.filter as Record<string, unknown>));
          const invalid = results.find((r) => typeof r === "string");
          if (invalid) return fail(400, "validation_error", invalid as string);
          pages = pages.filter((_, i) => results[i] === true);
        }
        for (const sort of ((body.sorts as { property: string; direction: string }[]) ?? []).reverse()) {
          const key = (page: Database["pages"][number]) =>
            JSON.stringify(page.properties[sort.property]?.[page.properties[sort.property]?.type] ?? "");
          pages = [...pages].sort(
            (a, b) =>
              (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (sort.direction === "descending" ? -1 : 1),
          );
        }
        const size = Math.min(100, Number(body.page_size ?? 100));
        const start = body.start_cursor ? pages.findIndex((p) => p.id === body.start_cursor) : 0;
        const results = pages
          .slice(start, start + size)
          .map(({ children: _children, ...page }) => ({ object: "page", ...page }));
        const next = pages[start + size];
        return send(200, {
          object: "list",
          results,
          next_cursor: next?.id ?? null,
          has_more: next !== undefined,
          type: "page_or_database",
        });
      }
    }

    if (url.pathname === "/v1/pages" && req.method === "POST") {
      const parent = (body.parent ?? {}) as { database_id?: string };
      const id = String(parent.database_id ?? "").replaceAll("-", "");
      const db = databases.get(id);
      if (!db) return notFound(id);
      const properties: Properties = {};
      for (const [name, value] of Object.entries(
        (body.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        const type = db.schema[name];
        if (!type) return fail(400, "validation_error", `${name} is not a property that exists.`);
        const written = stored(name, type, value);
        if (typeof written === "string")
          return fail(400, "validation_error", `body failed validation: ${written}`);
        properties[name] = written;
      }
      const time = new Date((clock += 60_000)).toISOString();
      const pageId = crypto.randomUUID();
      const page = {
        id: pageId,
        url: `https://www.notion.so/${pageId.replaceAll("-", "")}`,
        created_time: time,
        last_edited_time: time,
        properties,
        children: (body.children as unknown[]) ?? [],
      };
      db.pages.push(page);
      const { children: _children, ...answer } = page;
      return send(200, {
        object: "page",
        parent: { type: "database_id", database_id: dashed(id) },
        archived: false,
        ...answer,
      });
    }
    return fail(400, "invalid_request_url", "Invalid request URL.");
  });

  return serveForTests(server, (url) => project.provide("notionApiUrl", url));
}
