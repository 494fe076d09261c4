/**
 * vitest globalSetup (runs in Node, outside workerd): a local server shaped like Slack's Web API
 * `chat.postMessage`, so the slackMessage node is tested against the protocol, not a script of its own
 * requests. As Slack does, it answers HTTP 200 with `{ ok: true, channel, ts, message }` or
 * `{ ok: false, error }`, and 429 with `Retry-After` when rate limited.
 *
 *   POST /api/chat.postMessage  `Authorization: Bearer xoxb-…`, JSON `{ channel, text, thread_ts? }`.
 *     no token → not_authed; `xoxb-revoked…` → invalid_auth; `xoxb-readonly…` → missing_scope (needed
 *     chat:write); channel `C0NOTFOUND` or `#nope` → channel_not_found; `C0OUTSIDE` → not_in_channel;
 *     `C0BUSY` → 429 ratelimited (Retry-After: 1); no text → no_text; `#name` resolves to `C0<NAME>`;
 *     a JSON body without `charset=utf-8` gets Slack's `warning: "missing_charset"`.
 *   GET  /__sent/<token>         the messages posted with that token, for assertions.
 * Tests reach it with `inject("slackApiUrl")` (the credential's baseUrl is `<url>/api`). Free port.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { TestProject } from "vitest/node";
import { readAll, serveForTests } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    slackApiUrl: string;
  }
}

interface Posted {
  channel: string;
  text: string;
  thread_ts?: string;
  ts: string;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sent = new Map<string, Posted[]>();
  let clock = 1_767_000_000;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (error: string, extra: Record<string, unknown> = {}) =>
      send(200, { ok: false, error, ...extra });

    const log = /^\/__sent\/(.+)$/.exec(url.pathname);
    if (req.method === "GET" && log) return send(200, sent.get(decodeURIComponent(log[1])) ?? []);
    if (req.method !== "POST" || url.pathname !== "/api/chat.postMessage") return fail("unknown_method");

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token) return fail("not_authed");
    if (!token.startsWith("xoxb-") || token.startsWith("xoxb-revoked")) return fail("invalid_auth");
    if (token.startsWith("xoxb-readonly"))
      return fail("missing_scope", { needed: "chat:write", provided: "channels:read" });

    let body: { channel?: unknown; text?: unknown; thread_ts?: unknown };
    try {
      body = JSON.parse(await readAll(req));
    } catch {
      return fail("invalid_json");
    }
    const channel = typeof body.channel === "string" ? body.channel : "";
    if (channel === "") return fail("channel_not_found");
    if (channel === "C0NOTFOUND" || channel === "#nope") return fail("channel_not_found");
    if (channel === "C0OUTSIDE") return fail("not_in_channel");
    if (channel === "C0BUSY") return send(429, { ok: false, error: "ratelimited" }, { "retry-after": "1" });
    if (typeof body.text !== "string" || body.text === "") return fail("no_text");

    const id = channel.startsWith("#") ? `C0${channel.slice(1).toUpperCase()}` : channel;
    const ts = `${clock++}.000100`;
    const posted: Posted = {
      channel: id,
      text: body.text,
      ts,
      ...(typeof body.thread_ts === "string" && { thread_ts: body.thread_ts }),
    };
    sent.set(token, [...(sent.get(token) ?? []), posted]);
    const charsetGiven = /charset=utf-8/i.test(req.headers["content-type"] ?? "");
    send(200, {
      ok: true,
      channel: id,
      ts,
      message: {
        type: "message",
        subtype: "bot_message",
        text: body.text,
        user: "U0BOT",
        bot_id: "B0BOT",
        ts,
        ...(posted.thread_ts && { thread_ts: posted.thread_ts }),
      },
      ...(!charsetGiven && { warning: "missing_charset" }),
    });
  });

  return serveForTests(server, (url) => project.provide("slackApiUrl", url));
}
