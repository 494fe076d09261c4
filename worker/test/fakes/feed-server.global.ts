/**
 * vitest globalSetup (runs in Node, outside workerd): a feed publisher on 127.0.0.1 for the RSS trigger's
 * tests. It serves what a test puts there and answers conditional GETs as a well-behaved server does: an
 * `ETag` (a hash of the body) and a `Last-Modified` that moves on every change, and 304 Not Modified when
 * `If-None-Match` (or, without it, `If-Modified-Since`) says the client has the current version.
 *
 *   POST /__feeds            `{ body, contentType?, status?, validators? }` → `{ id }` (validators default true)
 *   PUT  /__feeds/<id>       the same fields: what the feed serves from now on
 *   GET  /__feeds/<id>/log   the requests the feed got: `[{ ifNoneMatch, ifModifiedSince, status }]`
 *   GET  /f/<id>             the feed
 * Tests reach it with `inject("feedServerUrl")` (client: feed-server.ts). The OS picks a free port.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { TestProject } from "vitest/node";
import { readAll, serveForTests } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    feedServerUrl: string;
  }
}

interface FeedContent {
  body: string;
  contentType: string;
  status: number;
  validators: boolean;
}
interface Feed extends FeedContent {
  version: number;
  log: { ifNoneMatch: string | null; ifModifiedSince: string | null; status: number }[];
}

/** Last-Modified of version n: one second per version after a fixed date, so every change is later. */
const modifiedAt = (version: number) => new Date(Date.UTC(2026, 0, 1) + version * 1000).toUTCString();

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const feeds = new Map<string, Feed>();
  let nextId = 1;
  const contentOf = (raw: string): FeedContent => {
    const fields = JSON.parse(raw || "{}") as Partial<FeedContent>;
    return {
      body: fields.body ?? "",
      contentType: fields.contentType ?? "application/rss+xml; charset=utf-8",
      status: fields.status ?? 200,
      validators: fields.validators ?? true,
    };
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "POST" && url.pathname === "/__feeds") {
      const id = String(nextId++);
      feeds.set(id, { ...contentOf(await readAll(req)), version: 1, log: [] });
      return json(200, { id });
    }
    const manage = /^\/__feeds\/(\w+)(\/log)?$/.exec(url.pathname);
    const managed = manage && feeds.get(manage[1]);
    if (manage && managed) {
      if (req.method === "PUT" && !manage[2]) {
        Object.assign(managed, contentOf(await readAll(req)), { version: managed.version + 1 });
        return json(200, { version: managed.version });
      }
      if (req.method === "GET" && manage[2]) return json(200, managed.log);
    }
    const serve = /^\/f\/(\w+)$/.exec(url.pathname);
    const feed = serve && feeds.get(serve[1]);
    if (req.method !== "GET" || !feed) return json(404, { error: `feed server: nothing at ${url.pathname}` });

    const ifNoneMatch = req.headers["if-none-match"] ?? null;
    const ifModifiedSince = req.headers["if-modified-since"] ?? null;
    const etag = `"${createHash("sha256").update(feed.body).digest("hex").slice(0, 16)}"`;
    const lastModified = modifiedAt(feed.version);
    const notModified =
      feed.validators &&
      feed.status === 200 &&
      (ifNoneMatch !== null
        ? ifNoneMatch === etag
        : ifModifiedSince !== null && Date.parse(ifModifiedSince) >= Date.parse(lastModified));
    const status = notModified ? 304 : feed.status;
    feed.log.push({ ifNoneMatch, ifModifiedSince, status });
    const headers: Record<string, string> = { "content-type": feed.contentType };
    if (feed.validators) Object.assign(headers, { etag, "last-modified": lastModified });
    res.writeHead(status, headers);
    res.end(notModified ? undefined : feed.body);
  });

  return serveForTests(server, (url) => project.provide("feedServerUrl", url));
}
