import { describe, expect, inject, it } from "vitest";
import { createOutboundFetch, privateHostReason } from "./outbound-fetch";

const echo = inject("echoServerUrl");
const production = createOutboundFetch({ NODEBASE_ENV: "production" });
const development = createOutboundFetch({ NODEBASE_ENV: "development" });

describe("outbound fetch in production", () => {
  it.each([
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/x",
    "http://2130706433/", // 127.0.0.1 written as one number
    "http://0x7f.0.0.1/",
    "http://10.0.0.5/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[fc00::abcd]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.1.2.3]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://localhost:8787/",
    "http://LOCALHOST/",
    "http://api.localhost/",
    "http://metadata.google.internal/",
    "http://localhost./",
  ])("refuses %s", async (url) => {
    await expect(production(url)).rejects.toThrow(/refused/);
  });

  it("refuses schemes other than http and https", async () => {
    await expect(production("ftp://example.com/file")).rejects.toThrow(/only http and https/);
    await expect(development("file:///etc/passwd")).rejects.toThrow(/only http and https/);
  });

  it("refuses a Request object aimed at a private host too", async () => {
    await expect(production(new Request("http://192.168.0.10/"))).rejects.toThrow(/refused/);
  });

  it("lets public addresses through the host check", () => {
    for (const host of ["example.com", "93.184.216.34", "172.32.0.1", "[2606:4700::6810:84e5]", "1.1.1.1"]) {
      expect(privateHostReason(new URL(`http://${host}/`).hostname), host).toBeNull();
    }
  });
});

describe("redirects in production", () => {
  /** Plays public servers: each URL answers with the given status and location; records what was sent. */
  function fakeNetwork(routes: Record<string, { status: number; location?: string }>) {
    const sent: { url: string; method: string; body: string; authorization?: string }[] = [];
    const send = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const authorization = request.headers.get("authorization") ?? undefined;
      sent.push({ url: request.url, method: request.method, body: await request.text(), authorization });
      const route = routes[request.url] ?? { status: 200 };
      return new Response(route.status === 200 ? "final" : null, {
        status: route.status,
        headers: route.location ? { location: route.location } : {},
      });
    }) as typeof fetch;
    return { sent, fetch: createOutboundFetch({ NODEBASE_ENV: "production" }, send) };
  }

  it("checks every hop and refuses a redirect into a private network", async () => {
    const net = fakeNetwork({
      "https://public.example/start": { status: 302, location: "http://169.254.169.254/meta" },
    });
    await expect(net.fetch("https://public.example/start")).rejects.toThrow(/169\.254\.169\.254.*refused/);
    expect(net.sent.map((s) => s.url)).toEqual(["https://public.example/start"]);
  });

  it("follows public redirects like fetch does: 307 keeps method and body, 303 becomes a GET, credentials stay on their origin", async () => {
    const net = fakeNetwork({
      "https://a.example/": { status: 307, location: "/b" },
      "https://a.example/b": { status: 303, location: "https://c.example/done" },
    });
    const response = await net.fetch("https://a.example/", {
      method: "POST",
      body: "payload",
      headers: { authorization: "Bearer secret" },
    });
    expect(await response.text()).toBe("final");
    // The token goes along within a.example, never to c.example.
    expect(net.sent).toEqual([
      { url: "https://a.example/", method: "POST", body: "payload", authorization: "Bearer secret" },
      { url: "https://a.example/b", method: "POST", body: "payload", authorization: "Bearer secret" },
      { url: "https://c.example/done", method: "GET", body: "", authorization: undefined },
    ]);
  });

  it("gives up after five redirects", async () => {
    const loop = fakeNetwork({ "https://loop.example/": { status: 301, location: "https://loop.example/" } });
    await expect(loop.fetch("https://loop.example/")).rejects.toThrow(/more than 5 redirects/);
    expect(loop.sent).toHaveLength(6);
  });
});

describe("outbound fetch in development", () => {
  it("reaches a server on 127.0.0.1", async () => {
    const response = await development(`${echo}/echo?a=1`, { method: "POST", body: "hi" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: "POST", path: "/echo", query: "?a=1", body: "hi" });
  });
});
