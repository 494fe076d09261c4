import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors";
import { MAX_WEBHOOK_BODY_BYTES, parseBody, readLimitedBody, recordedHeaders } from "./request-body";

const encode = (s: string) => new TextEncoder().encode(s);

describe("readLimitedBody", () => {
  it("reads a body up to 1 MiB", async () => {
    const body = "x".repeat(MAX_WEBHOOK_BODY_BYTES);
    const raw = await readLimitedBody(new Request("http://h/", { method: "POST", body }));
    expect(raw.byteLength).toBe(MAX_WEBHOOK_BODY_BYTES);
  });

  it("answers 413 for a body over 1 MiB, even when streamed without Content-Length", async () => {
    const big = encode("x".repeat(MAX_WEBHOOK_BODY_BYTES + 1));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(big.subarray(0, 600_000));
        controller.enqueue(big.subarray(600_000));
        controller.close();
      },
    });
    const streamed = new Request("http://h/", { method: "POST", body: stream });
    const error = await readLimitedBody(streamed).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, code: "payload_too_large" });
  });
});

describe("parseBody", () => {
  it("parses JSON (and +json types)", async () => {
    expect(await parseBody(encode('{"n":2}'), "application/json; charset=utf-8")).toEqual({ n: 2 });
    expect(await parseBody(encode("[1]"), "application/vnd.api+json")).toEqual([1]);
  });

  it("answers 400 for malformed JSON", async () => {
    await expect(parseBody(encode("{nope"), "application/json")).rejects.toMatchObject({
      status: 400,
      code: "invalid_json",
    });
  });

  it("parses urlencoded forms, collecting repeated names", async () => {
    expect(await parseBody(encode("a=1&b=x+y&a=2"), "application/x-www-form-urlencoded")).toEqual({
      a: ["1", "2"],
      b: "x y",
    });
  });

  it("keeps the text fields of a multipart form and leaves files out", async () => {
    const form = new FormData();
    form.append("name", "Ada");
    form.append("tag", "a");
    form.append("tag", "b");
    form.append("file", new File(["binary"], "f.bin", { type: "application/octet-stream" }));
    const request = new Request("http://h/", { method: "POST", body: form });
    const raw = new Uint8Array(await request.arrayBuffer());
    expect(await parseBody(raw, request.headers.get("content-type"))).toEqual({
      name: "Ada",
      tag: ["a", "b"],
    });
  });

  it("gives plain text (and unknown types) as a string and an empty body as {}", async () => {
    expect(await parseBody(encode("hello"), "text/plain")).toBe("hello");
    expect(await parseBody(encode("raw"), null)).toBe("raw");
    expect(await parseBody(new Uint8Array(), "application/json")).toEqual({});
  });
});

describe("recordedHeaders", () => {
  it("drops hop-by-hop headers and redacts credentials", () => {
    const headers = new Headers({
      "Content-Type": "application/json",
      Connection: "keep-alive",
      Authorization: "Bearer secret",
      Cookie: "a=b",
      "X-Nodebase-Secret": "form-secret",
      "X-Api-Token": "token-value",
      "X-Other": "kept",
    });
    expect(recordedHeaders(headers, ["X-Api-Token"])).toEqual({
      "content-type": "application/json",
      authorization: "[redacted]",
      cookie: "[redacted]",
      "x-nodebase-secret": "[redacted]",
      "x-api-token": "[redacted]",
      "x-other": "kept",
    });
  });
});
