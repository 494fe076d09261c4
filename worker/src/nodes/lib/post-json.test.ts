import { describe, expect, it } from "vitest";
import { fakeSession } from "../../../test/fakes/fake-http";
import { NonRetryableError } from "cloudflare:workflows";
import { PermanentProviderError, postJson, ProviderError, providerMessage, retryAfterMs } from "./post-json";

const recordSleeps = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

describe("postJson", () => {
  it("retries a 429 after the Retry-After seconds the provider asked for, then returns the answer", async () => {
    const fake = await fakeSession([
      { status: 429, headers: { "retry-after": "2" }, body: { error: { message: "slow down" } } },
      { status: 200, body: { fine: true } },
    ]);
    const { waits, sleep } = recordSleeps();
    const answer = await postJson({ provider: "P", url: `${fake.baseUrl}/x`, body: { a: 1 }, fetch, sleep });
    expect(answer.body).toEqual({ fine: true });
    expect(waits).toEqual([2000]);
    const requests = await fake.requests();
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => JSON.parse(r.body))).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it("backs off exponentially on 5xx without Retry-After and gives up after maxAttempts with status and message", async () => {
    const fake = await fakeSession([{ status: 503, body: { error: { message: "overloaded" } } }]);
    const { waits, sleep } = recordSleeps();
    const call = postJson({
      provider: "P",
      url: fake.baseUrl,
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
    const error = await postJson({ provider: "P", url: fake.baseUrl, body: {}, fetch, sleep }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, retryable: true, providerMessage: "busy" });
    expect(waits).toEqual([]);
    expect(await fake.requests()).toHaveLength(1);
  });

  it("fails a 4xx other than 408/409/425/429 at once, as non-retryable for the step too", async () => {
    const fake = await fakeSession([{ status: 400, body: { error: { message: "bad model" } } }]);
    const { waits, sleep } = recordSleeps();
    const error = await postJson({ provider: "P", url: fake.baseUrl, body: {}, fetch, sleep }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error).toMatchObject({ status: 400, retryable: false, providerMessage: "bad model" });
    expect(error.message).toBe("P answered 400: bad model");
    expect(waits).toEqual([]);
    expect(await fake.requests()).toHaveLength(1);
  });

  it("reports a network failure as status 0", async () => {
    // 8859 is kept free in this helper's port range (the fakes use 8852-8855), so the connect is refused.
    const error = await postJson({ provider: "P", url: "http://127.0.0.1:8859/x", body: {}, fetch }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.status).toBe(0);
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

describe("providerMessage", () => {
  it("finds the message in each provider's error shape", () => {
    expect(providerMessage({ error: { message: "m1", type: "invalid_request_error" } })).toBe("m1");
    expect(providerMessage({ type: "error", error: { type: "overloaded_error", message: "m2" } })).toBe("m2");
    expect(providerMessage({ message: "m3", code: 50006 })).toBe("m3");
    expect(providerMessage("invalid_token")).toBe("invalid_token");
    expect(providerMessage(null)).toBe("no details in the answer");
    expect(providerMessage("x".repeat(600))).toHaveLength(501);
  });
});
