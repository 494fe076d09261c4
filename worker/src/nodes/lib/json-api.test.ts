import { describe, expect, it } from "vitest";
import { fakeSession } from "../../../test/fakes/fake-http";
import { NonRetryableError } from "cloudflare:workflows";
import {
  callJsonApi,
  ConnectorError,
  PermanentConnectorError,
  retryAfterMs,
  serviceMessage,
} from "./json-api";

const recordSleeps = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

describe("callJsonApi", () => {
  it("retries a 429 after the Retry-After seconds the provider asked for, then returns the answer", async () => {
    const fake = await fakeSession([
      { status: 429, headers: { "retry-after": "2" }, body: { error: { message: "slow down" } } },
      { status: 200, body: { fine: true } },
    ]);
    const { waits, sleep } = recordSleeps();
    const answer = await callJsonApi({
      service: "P",
      baseUrl: fake.baseUrl,
      path: "/x",
      body: { a: 1 },
      fetch,
      sleep,
    });
    expect(answer.body).toEqual({ fine: true });
    expect(waits).toEqual([2000]);
    const requests = await fake.requests();
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => JSON.parse(r.body))).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it("backs off exponentially on 5xx without Retry-After and gives up after maxAttempts with status and message", async () => {
    const fake = await fakeSession([{ status: 503, body: { error: { message: "overloaded" } } }]);
    const { waits, sleep } = recordSleeps();
    const call = callJsonApi({
      service: "P",
      baseUrl: fake.baseUrl,
      body: {},
      fetch,
      sleep,
      maxAttempts: 3,
      baseDelayMs: 100,
    });
    await expect(call).rejects.toThrow("P answered 503: overloaded");
    expect(waits).toEqual([100, 200]);
    expect(await fake.requests()).toHaveLength(3);
  });

  it("hands a long Retry-After to the step's retry policy instead of waiting inside the step", async () => {
    const fake = await fakeSession([{ status: 429, headers: { "retry-after": "120" }, body: "busy" }]);
    const { waits, sleep } = recordSleeps();
    const error = await callJsonApi({ service: "P", baseUrl: fake.baseUrl, body: {}, fetch, sleep }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ status: 429, retryable: true, serviceMessage: "busy" });
    expect(waits).toEqual([]);
    expect(await fake.requests()).toHaveLength(1);
  });

  it("errorText reads details the generic reading misses; rateLimited makes another status retryable", async () => {
    const fake = await fakeSession([
      { status: 422, body: { message: "Validation Failed", errors: [{ field: "title" }] } },
      { status: 403, headers: { "x-limit-left": "0" }, body: { message: "slow down" } },
      { status: 403, body: { message: "no access" } },
    ]);
    const call = () =>
      callJsonApi({
        service: "P",
        baseUrl: fake.baseUrl,
        body: {},
        fetch,
        maxAttempts: 1,
        errorText: (body) => {
          const errors = (body as { errors?: { field: string }[] }).errors;
          return errors && `${(body as { message: string }).message} (${errors.map((e) => e.field)})`;
        },
        rateLimited: (status, headers) => status === 403 && headers.get("x-limit-left") === "0",
      }).catch((e) => e);
    const validation = await call();
    expect(validation).toBeInstanceOf(PermanentConnectorError);
    expect(validation.message).toBe("P answered 422: Validation Failed (title)");
    const limited = await call();
    expect(limited).toBeInstanceOf(ConnectorError);
    expect(limited).toMatchObject({ status: 403, retryable: true, serviceMessage: "slow down" });
    const forbidden = await call();
    expect(forbidden).toBeInstanceOf(PermanentConnectorError);
    expect(forbidden.message).toBe("P answered 403: no access");
  });

  it("fails a 4xx other than 408/409/425/429 at once, as non-retryable for the step too", async () => {
    const fake = await fakeSession([{ status: 400, body: { error: { message: "bad model" } } }]);
    const { waits, sleep } = recordSleeps();
    const error = await callJsonApi({ service: "P", baseUrl: fake.baseUrl, body: {}, fetch, sleep }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(PermanentConnectorError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error).toMatchObject({ status: 400, retryable: false, serviceMessage: "bad model" });
    expect(error.message).toBe("P answered 400: bad model");
    expect(waits).toEqual([]);
    expect(await fake.requests()).toHaveLength(1);
  });

  it("reports a network failure as status 0", async () => {
    // 8859 is kept free in this helper's port range (the fakes use 8852-8855), so the connect is refused.
    const error = await callJsonApi({
      service: "P",
      baseUrl: "http://127.0.0.1:8859/x",
      body: {},
      fetch,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.status).toBe(0);
  });
});

describe("callJsonApi auth, URLs and secrets", () => {
  it("puts a bearer token or a named header on the request, and query values in the URL", async () => {
    const fake = await fakeSession([{ status: 200, body: { ok: true } }]);
    const call = (auth: Parameters<typeof callJsonApi>[0]["auth"]) =>
      callJsonApi({
        service: "P",
        method: "GET",
        baseUrl: `${fake.baseUrl}/`,
        path: "/v1/items",
        query: { page: 2, skip: undefined },
        auth,
        fetch,
      });
    await call({ bearer: "tok-1" });
    await call({ header: "X-Api-Key", value: "key-2" });
    await call({ query: "key", value: "key-3" });
    const [bearer, header, query] = await fake.requests();
    expect(bearer).toMatchObject({ method: "GET", path: "/v1/items?page=2", body: "" });
    expect(bearer.headers.authorization).toBe("Bearer tok-1");
    expect(bearer.headers["content-type"]).toBeUndefined();
    expect(header.headers["x-api-key"]).toBe("key-2");
    expect(header.headers.authorization).toBeUndefined();
    expect(query.path).toBe("/v1/items?page=2&key=key-3");
  });

  it("masks the auth value and listed secrets in the error text, even when the service echoes them", async () => {
    const fake = await fakeSession([
      { status: 401, body: { error: { message: "bad key sk-secret-123 for bot token-in-path" } } },
    ]);
    const error = await callJsonApi({
      service: "P",
      baseUrl: fake.baseUrl,
      path: "/bottoken-in-path/send",
      auth: { bearer: "sk-secret-123" },
      secrets: ["token-in-path"],
      body: {},
      fetch,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentConnectorError);
    expect(error.message).toBe("P answered 401: bad key *** for bot ***");
  });

  it("masks a secret in the URL of a network failure", async () => {
    const error = await callJsonApi({
      service: "P",
      baseUrl: "http://127.0.0.1:8859",
      path: "/botsecret-token-9/x",
      secrets: ["secret-token-9"],
      body: {},
      fetch,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.message).not.toContain("secret-token-9");
  });

  it("fails a 2xx answer that carries an error inside, through the service's failure rule", async () => {
    const fake = await fakeSession([{ status: 200, body: { ok: false, error: "channel_not_found" } }]);
    const error = await callJsonApi({
      service: "Slack",
      baseUrl: fake.baseUrl,
      body: {},
      fetch,
      failure: (body) => ((body as { ok?: boolean }).ok ? undefined : serviceMessage(body)),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentConnectorError);
    expect(error.message).toBe("Slack answered 200: channel_not_found");
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates, and ignores junk", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("0.5", now)).toBe(500);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:07 GMT", now)).toBe(7000);
    expect(retryAfterMs("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe("serviceMessage", () => {
  it("finds the message in each provider's error shape", () => {
    expect(serviceMessage({ error: { message: "m1", type: "invalid_request_error" } })).toBe("m1");
    expect(serviceMessage({ type: "error", error: { type: "overloaded_error", message: "m2" } })).toBe("m2");
    expect(serviceMessage({ message: "m3", code: 50006 })).toBe("m3");
    expect(serviceMessage({ ok: false, error_code: 400, description: "Bad Request: chat not found" })).toBe(
      "Bad Request: chat not found",
    );
    expect(serviceMessage("invalid_token")).toBe("invalid_token");
    expect(serviceMessage(null)).toBe("no details in the answer");
    expect(serviceMessage("x".repeat(600))).toHaveLength(501);
  });
});
