/**
 * vitest globalSetup (runs in Node, outside workerd): a local server shaped like the Telegram Bot API, so the
 * telegram node is tested against the protocol (token in the path, `{ ok, result }` / `{ ok: false,
 * error_code, description }` answers), not against a script of its own requests.
 *
 *   POST /bot<token>/sendMessage  JSON `{ chat_id, text, parse_mode? }`; a token of the Bot API's shape
 *                                 (`<digits>:<35ish chars>`) is accepted unless it starts with `0:`
 *                                 (401 Unauthorized); chat `404` is unknown (400 chat not found); an empty
 *                                 text or a parse_mode other than MarkdownV2/HTML/Markdown is a 400.
 *   GET  /__sent/<token>          the messages sent with that token, for assertions.
 * Tests reach it with `inject("telegramUrl")`. The OS picks a free port.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    telegramUrl: string;
  }
}

interface SentMessage {
  message_id: number;
  chat: { id: number | string; type: string };
  date: number;
  text: string;
  parse_mode?: string;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sent = new Map<string, SentMessage[]>();
  let nextMessageId = 1;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const fail = (code: number, description: string) =>
      send(code, { ok: false, error_code: code, description });

    const log = /^\/__sent\/(.+)$/.exec(url.pathname);
    if (req.method === "GET" && log) return send(200, sent.get(decodeURIComponent(log[1])) ?? []);

    const call = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!call) return fail(404, "Not Found");
    const [, token, method] = call;
    if (!/^\d+:[\w-]{5,}$/.test(token) || token.startsWith("0:")) return fail(401, "Unauthorized");
    if (method !== "sendMessage") return fail(404, "Not Found");

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readAll(req));
    } catch {
      return fail(400, "Bad Request: invalid JSON");
    }
    if (req.headers["content-type"] !== "application/json") return fail(400, "Bad Request: no JSON body");
    if (body.chat_id === undefined) return fail(400, "Bad Request: chat_id is empty");
    if (String(body.chat_id) === "404") return fail(400, "Bad Request: chat not found");
    if (typeof body.text !== "string" || body.text.trim() === "")
      return fail(400, "Bad Request: message text is empty");
    if (
      body.parse_mode !== undefined &&
      !["MarkdownV2", "HTML", "Markdown"].includes(String(body.parse_mode))
    )
      return fail(400, `Bad Request: unsupported parse_mode "${body.parse_mode}"`);

    const message: SentMessage = {
      message_id: nextMessageId++,
      chat: { id: body.chat_id as number | string, type: "private" },
      date: Math.floor(Date.now() / 1000),
      text: body.text,
      ...(body.parse_mode !== undefined && { parse_mode: String(body.parse_mode) }),
    };
    sent.set(token, [...(sent.get(token) ?? []), message]);
    const { parse_mode: _mode, ...result } = message;
    send(200, { ok: true, result });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("telegram fake: no port");
  project.provide("telegramUrl", `http://127.0.0.1:${address.port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
