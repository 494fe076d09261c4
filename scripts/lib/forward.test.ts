import { once } from "node:events";
import { Agent, createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs module of the dev scripts (no types)
import { forwardRequest } from "./forward.mjs";

const servers: Server[] = [];
const agent = new Agent({ keepAlive: true });
afterAll(() => agent.destroy());
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: one a server just gave back. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

/** A runtime that echoes what it got, named so a test can tell which one answered. */
const echo = (name: string) =>
  listen(async (req, res) => {
    const body = await readBody(req);
    res.writeHead(201, { "content-type": "application/json", "x-runtime": name });
    res.end(JSON.stringify({ name, method: req.method, url: req.url, host: req.headers.host, body }));
  });

/** The front proxy under test, forwarding every request with `options`. */
async function front(options: { port: number; fallbackPort?: number | null }) {
  let finished = 0;
  let refused = 0;
  const port = await listen((req, res) =>
    forwardRequest(req, res, {
      agent,
      ...options,
      finish: () => finished++,
      onRefused: () => refused++,
    }),
  );
  return { url: `http://127.0.0.1:${port}`, finished: () => finished, refused: () => refused };
}

describe("the supervisor's forward", () => {
  it("passes method, path, Host, body, status and headers through to the runtime", async () => {
    const f = await front({ port: await echo("direct"), fallbackPort: await echo("wrangler") });
    const res = await fetch(`${f.url}/webhooks/abc?x=1`, { method: "POST", body: '{"n":21}' });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-runtime")).toBe("direct");
    expect(await res.json()).toEqual({
      name: "direct",
      method: "POST",
      url: "/webhooks/abc?x=1",
      host: new URL(f.url).host,
      body: '{"n":21}',
    });
    expect(f.finished()).toBeGreaterThan(0);
    expect(f.refused()).toBe(0);
  });

  it("sends a request the runtime refused to wrangler's port, body and all", async () => {
    const f = await front({ port: await refusedPort(), fallbackPort: await echo("wrangler") });
    const big = "x".repeat(300_000); // several chunks: the resend must carry all of them
    const res = await fetch(`${f.url}/api/workflows`, { method: "PUT", body: big });
    expect(res.status).toBe(201);
    const got = await res.json();
    expect(got.name).toBe("wrangler");
    expect(got.body.length).toBe(big.length);
    expect(got.body === big).toBe(true);
    // …and the supervisor is told, to look for the runtime's new port.
    expect(f.refused()).toBe(1);
  });

  it("answers 502 when the runtime refuses and there is nowhere else to go", async () => {
    const f = await front({ port: await refusedPort(), fallbackPort: null });
    const res = await fetch(`${f.url}/api/health`, { method: "POST", body: "{}" });
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe("bad_gateway");
  });

  it("does not send again a request the runtime received and then dropped", async () => {
    let calls = 0;
    const dropping = await listen((req) => {
      calls++;
      req.socket.destroy(); // received, then cut: it may have run, so it must not run twice
    });
    const f = await front({ port: dropping, fallbackPort: await echo("wrangler") });
    const res = await fetch(`${f.url}/webhooks/abc`, { method: "POST", body: "{}" });
    expect(res.status).toBe(502);
    expect(calls).toBe(1);
  });

  it("reads once more when the runtime cuts a GET before answering, on a new connection", async () => {
    const ports: number[] = [];
    const cutFirst = await listen((req, res) => {
      ports.push(req.socket.remotePort ?? 0);
      if (ports.length === 1) return req.socket.destroy(); // the runtime's mass reset
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"items":[]}');
    });
    const f = await front({ port: cutFirst, fallbackPort: await echo("wrangler") });
    const res = await fetch(`${f.url}/api/executions?limit=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [] });
    expect(ports).toHaveLength(2);
    expect(ports[1]).not.toBe(ports[0]);
  });

  it("reads again only once: a GET cut twice answers 502", async () => {
    let calls = 0;
    const cutting = await listen((req) => {
      calls++;
      req.socket.destroy();
    });
    const f = await front({ port: cutting, fallbackPort: null });
    const res = await fetch(`${f.url}/api/health`);
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe("bad_gateway");
    expect(calls).toBe(2);
  });
});
