/**
 * vitest globalSetup (runs in Node, outside workerd): one scriptable HTTP server on 127.0.0.1 that stands in
 * for OpenAI, Anthropic, Gemini, Slack and Discord. Tests inside workerd reach it by URL (`inject("fakeHttpUrl")`).
 *
 * A test opens a session with the answers it wants (`POST /__fake/sessions`), points a node at the session's
 * base URL (`/s/<id>`), then reads back exactly what the node sent (`GET /__fake/sessions/<id>`). A text
 * answer may quote the URL it was called at: `{request.url}`, `{request.url.noscheme}`, `{request.url.cut}`
 * (without its last 8 characters). An answer with `hold: true` is kept back until the test releases it
 * (`POST /__fake/sessions/<id>/release`); the session counts the requests in flight at once (`maxInFlight`),
 * so a test can check how many calls a run makes together. Sessions keep
 * test files that run in parallel apart. It listens on a port the OS picks.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { TestProject } from "vitest/node";
import { listenOnFreePort } from "./listen";

interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Keep the answer back until the test releases it. */
  hold?: boolean;
}
interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}
interface Session {
  responses: FakeResponse[];
  requests: RecordedRequest[];
  /** Held answers, oldest first: calling one sends it. */
  held: (() => void)[];
  inFlight: number;
  maxInFlight: number;
}

export default async function setup(project: TestProject) {
  const sessions = new Map<string, Session>();
  let nextId = 1;

  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const text = typeof payload === "string" ? payload : JSON.stringify(payload);
      const type = typeof payload === "string" ? "text/plain" : "application/json";
      res.writeHead(status, { "content-type": type, ...headers });
      res.end(payload === undefined ? "" : text);
    };

    if (req.method === "POST" && url.pathname === "/__fake/sessions") {
      const id = String(nextId++);
      const responses = JSON.parse(body || "{}").responses ?? [];
      sessions.set(id, { responses, requests: [], held: [], inFlight: 0, maxInFlight: 0 });
      return send(200, { id });
    }
    const read = /^\/__fake\/sessions\/(\w+)$/.exec(url.pathname);
    if (req.method === "GET" && read) {
      const session = sessions.get(read[1]);
      if (!session) return send(404, { error: "no such session" });
      const { requests, held, inFlight, maxInFlight } = session;
      return send(200, { requests, held: held.length, inFlight, maxInFlight });
    }
    const release = /^\/__fake\/sessions\/(\w+)\/release$/.exec(url.pathname);
    if (req.method === "POST" && release) {
      const session = sessions.get(release[1]);
      if (!session) return send(404, { error: "no such session" });
      const count = Number(JSON.parse(body || "{}").count ?? session.held.length);
      const released = session.held.splice(0, count);
      for (const answer of released) answer();
      return send(200, { released: released.length });
    }
    const call = /^\/s\/(\w+)(\/.*)?$/.exec(url.pathname);
    const session = call && sessions.get(call[1]);
    if (!call || !session) return send(404, { error: `fake server: no session for ${url.pathname}` });

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = String(value);
    session.requests.push({ method: req.method ?? "", path: (call[2] ?? "/") + url.search, headers, body });
    // Answers are used in order; the last one repeats once the script is exhausted.
    const index = Math.min(session.requests.length - 1, session.responses.length - 1);
    const answer = session.responses[index] ?? {
      status: 500,
      body: { error: "fake server: no scripted answer" },
    };
    session.inFlight++;
    session.maxInFlight = Math.max(session.maxInFlight, session.inFlight);
    res.once("close", () => session.inFlight--);
    if (answer.hold) await new Promise<void>((resolve) => session.held.push(resolve));
    if (answer.body === undefined) {
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      return res.end();
    }
    // A text answer quoting the URL called, as providers do in errors: whole, without the scheme, cut short.
    const calledUrl = `http://127.0.0.1:${port}${req.url ?? "/"}`;
    const answerBody =
      typeof answer.body === "string"
        ? answer.body
            .replaceAll("{request.url}", calledUrl)
            .replaceAll("{request.url.noscheme}", calledUrl.slice("http://".length))
            .replaceAll("{request.url.cut}", calledUrl.slice(0, -8))
        : answer.body;
    return send(answer.status ?? 200, answerBody, answer.headers);
  });

  const port = await listenOnFreePort(server);
  project.provide("fakeHttpUrl", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeHttpUrl: string;
  }
}
