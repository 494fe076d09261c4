import { describe, expect, inject, it } from "vitest";
import { runNode } from "../../test/node-context";
import { createOutboundFetch } from "../engine/outbound-fetch";
import { httpRequest } from "./http-request";

const echo = inject("echoServerUrl");

interface Echoed {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

async function sent(
  params: Record<string, unknown>,
  credential?: { type: string; data: Record<string, unknown> },
) {
  const result = await runNode(httpRequest, { url: `${echo}/echo`, ...params }, { credential });
  const output = result.output as { status: number; body: Echoed };
  expect(output.status).toBe(200);
  return output.body;
}

describe("httpRequest", () => {
  it("sends method, headers, query and a JSON body exactly", async () => {
    const request = await sent({
      method: "POST",
      url: `${echo}/echo/users?existing=1`,
      headers: { "X-Trace": "abc", "X-Count": 3 },
      query: { q: "a b&c", page: 2, tag: ["x", "y"] },
      body: { name: "Ada", n: [1, 2] },
    });
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/echo/users");
    expect(request.query).toBe("?existing=1&q=a+b%26c&page=2&tag=x&tag=y");
    expect(request.headers["x-trace"]).toBe("abc");
    expect(request.headers["x-count"]).toBe("3");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toBe('{"name":"Ada","n":[1,2]}');
  });

  it("sends text and form bodies, keeping a content-type the node set", async () => {
    const text = await sent({ method: "PUT", body: "plain words", bodyType: "text" });
    expect(text.method).toBe("PUT");
    expect(text.body).toBe("plain words");
    expect(text.headers["content-type"]).toBe("text/plain; charset=utf-8");

    const form = await sent({
      method: "POST",
      body: { a: "1 2", list: ["x", "y"], skip: null },
      bodyType: "form",
    });
    expect(form.body).toBe("a=1+2&list=x&list=y");
    expect(form.headers["content-type"]).toBe("application/x-www-form-urlencoded");

    const custom = await sent({
      method: "PATCH",
      headers: { "Content-Type": "application/vnd.x+json" },
      body: [1],
    });
    expect(custom.headers["content-type"]).toBe("application/vnd.x+json");
    expect(custom.body).toBe("[1]");
  });

  it("sends no body on a GET and refuses to send one", async () => {
    const request = await sent({});
    expect(request.method).toBe("GET");
    expect(request.body).toBe("");
    expect(request.headers["content-type"]).toBeUndefined();
    await expect(runNode(httpRequest, { url: `${echo}/echo`, body: { a: 1 } })).rejects.toThrow(
      "A GET request cannot have a body",
    );
  });

  it("applies the credential's header", async () => {
    const request = await sent(
      { headers: { Authorization: "Bearer hand-typed" } },
      { type: "httpBearerAuth", data: { token: "tok" } },
    );
    expect(request.headers.authorization).toBe("Bearer tok");
    const basic = await sent({}, { type: "httpBasicAuth", data: { user: "u", password: "p" } });
    expect(basic.headers.authorization).toBe(`Basic ${btoa("u:p")}`);
  });

  it("parses JSON answers by content-type, or as asked", async () => {
    const json = await runNode(httpRequest, { url: `${echo}/json` });
    expect(json.output).toMatchObject({ status: 200, body: { hello: "world", n: 1 } });
    expect((json.output as { headers: Record<string, string> }).headers["x-echo"]).toBe("yes");

    const asText = await runNode(httpRequest, { url: `${echo}/json`, responseType: "text" });
    expect((asText.output as { body: unknown }).body).toBe('{"hello":"world","n":1}');

    const labelledText = await runNode(httpRequest, { url: `${echo}/json-as-text` });
    expect((labelledText.output as { body: unknown }).body).toBe('{"hello":"world"}');
    const forced = await runNode(httpRequest, { url: `${echo}/json-as-text`, responseType: "json" });
    expect((forced.output as { body: unknown }).body).toEqual({ hello: "world" });
    await expect(runNode(httpRequest, { url: `${echo}/status/200`, responseType: "json" })).rejects.toThrow(
      /is not JSON/,
    );
  });

  it("fails on a non-2xx answer with the status and a short body snippet", async () => {
    const error = (await runNode(httpRequest, { url: `${echo}/status/503?secret=s3` }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(
      /^HTTP 503 Service Unavailable from GET http:\/\/127\.0\.0\.1:\d+\/status\/503: status 503: x+…$/,
    );
    expect(error.message).not.toContain("secret=s3");
    expect(error.message.length).toBeLessThan(320);
  });

  it("outputs a non-2xx answer with ignoreHttpErrors", async () => {
    const result = await runNode(httpRequest, { url: `${echo}/status/404`, ignoreHttpErrors: true });
    expect(result.output).toMatchObject({ status: 404, body: expect.stringMatching(/^status 404: x+$/) });
  });

  it("gives up after timeoutMs with a clear message", async () => {
    await expect(runNode(httpRequest, { url: `${echo}/slow`, timeoutMs: 50 })).rejects.toThrow(
      /^Timed out after 50 ms: GET http:\/\/127\.0\.0\.1:\d+\/slow$/,
    );
  });

  it("stops when the run is canceled (ctx.signal), without calling it a timeout", async () => {
    const canceled = new AbortController();
    const pending = runNode(httpRequest, { url: `${echo}/slow` }, { signal: canceled.signal });
    canceled.abort(new Error("execution canceled"));
    const error = (await pending.catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).not.toMatch(/Timed out/);
  });

  it("uses ctx.fetch, so production refuses private targets", async () => {
    const production = createOutboundFetch({ NODEBASE_ENV: "production" });
    await expect(runNode(httpRequest, { url: `${echo}/echo` }, { fetch: production })).rejects.toThrow(
      /refused/,
    );
  });

  it("checks its parameters", () => {
    for (const bad of [
      {},
      { url: "ftp://x.io/" },
      { url: "not a url" },
      { url: "https://x.io", timeoutMs: 300_001 },
      { url: "https://x.io", method: "TRACE" },
    ]) {
      expect(httpRequest.parameters.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
