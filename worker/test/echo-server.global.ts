/**
 * vitest globalSetup (runs in Node, outside workerd): a small HTTP server on 127.0.0.1 that answers with
 * exactly what it received, so node tests can assert the request a node sent. Tests read its URL with
 * `inject("echoServerUrl")`.
 *
 * Paths: `/status/<code>` answers that status with a text body; `/json` answers JSON; `/json-as-text`
 * answers JSON text labelled text/plain; `/redirect?to=<url>` answers 302; `/slow` answers after 10 s;
 * `/flaky/<key>/<n>` answers 503 to the first n calls for that key, then 200 `{ ok: true, calls }`;
 * `/inflight/<key>?...` answers like the echo after 40 ms, counting requests in flight per key, and
 * `/inflight/<key>/max` answers `{ max, calls }` (the most in flight at once: bounded concurrency);
 * `/probe/<key>` counts the requests for that key and `/probe-hits/<key>` answers `{ hits }` (to prove that
 * sandboxed code reached nothing);
 * anything else echoes `{ method, path, query, headers, body }`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";
import { listenOnFreePort } from "./fakes/listen";

declare module "vitest" {
  export interface ProvidedContext {
    echoServerUrl: string;
  }
}

/** Per `/inflight/<key>` key: requests in flight now, the most at once, and how many there were. */
const inflight = new Map<string, { now: number; max: number; calls: number }>();

/** Calls seen per `/flaky/<key>/…` key: a real upstream that fails a set number of times, then recovers. */
const flakyCalls = new Map<string, number>();
/** Requests seen per `/probe/<key>` key. */
const probeHits = new Map<string, number>();

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const slowTimers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => void answer(req, res, slowTimers));
  const port = await listenOnFreePort(server);
  project.provide("echoServerUrl", `http://127.0.0.1:${port}`);
  return async () => {
    for (const timer of slowTimers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  slowTimers: Set<NodeJS.Timeout>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const status = /^\/status\/(\d{3})$/.exec(url.pathname);
  const flaky = /^\/flaky\/([\w-]+)\/(\d+)$/.exec(url.pathname);
  const counted = /^\/inflight\/([\w-]+)(\/max)?$/.exec(url.pathname);
  const probe = /^\/probe(-hits)?\/([\w-]+)/.exec(url.pathname);
  if (counted) {
    const c = inflight.get(counted[1]) ?? { now: 0, max: 0, calls: 0 };
    inflight.set(counted[1], c);
    if (counted[2]) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ max: c.max, calls: c.calls }));
      return;
    }
    c.now++;
    c.calls++;
    c.max = Math.max(c.max, c.now);
    await new Promise((resolve) => setTimeout(resolve, 40));
    c.now--;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ path: url.pathname, query: Object.fromEntries(url.searchParams), body }));
  } else if (probe) {
    if (!probe[1]) probeHits.set(probe[2], (probeHits.get(probe[2]) ?? 0) + 1);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ hits: probeHits.get(probe[2]) ?? 0 }));
  } else if (flaky) {
    const calls = (flakyCalls.get(flaky[1]) ?? 0) + 1;
    flakyCalls.set(flaky[1], calls);
    const failing = calls <= Number(flaky[2]);
    res.writeHead(failing ? 503 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(failing ? { error: "try again", calls } : { ok: true, calls }));
  } else if (status) {
    res.writeHead(Number(status[1]), { "content-type": "text/plain" });
    res.end(`status ${status[1]}: ${"x".repeat(400)}`);
  } else if (url.pathname === "/json") {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-echo": "yes" });
    res.end(JSON.stringify({ hello: "world", n: 1 }));
  } else if (url.pathname === "/json-as-text") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end('{"hello":"world"}');
  } else if (url.pathname === "/redirect") {
    res.writeHead(302, { location: url.searchParams.get("to") ?? "/" });
    res.end();
  } else if (url.pathname === "/slow") {
    const timer = setTimeout(() => res.end("late"), 10_000);
    slowTimers.add(timer);
    res.on("close", () => clearTimeout(timer));
  } else {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        method: req.method,
        path: url.pathname,
        query: url.search,
        headers: req.headers,
        body,
      }),
    );
  }
}
