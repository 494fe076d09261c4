/** The SPA's API client, against a stubbed fetch: error shapes become ApiError, 401 notifies the session. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, onUnauthorized } from "../src/api/client";

function answer(status: number, body: unknown) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(status === 204 ? null : text, { status })),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("api client", () => {
  it("sends JSON with the session cookie and returns the parsed body", async () => {
    answer(200, { id: "w1" });
    await expect(
      api.post("/api/workflows", { name: "x" }, { query: { a: 1, b: undefined } }),
    ).resolves.toEqual({
      id: "w1",
    });
    const [url, init] = vi.mocked(fetch).mock.calls[0];
    expect(url).toBe("/api/workflows?a=1");
    expect(init).toMatchObject({ method: "POST", credentials: "same-origin", body: '{"name":"x"}' });
    expect((init?.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
  });

  it("turns our error shape into an ApiError with code, message and details", async () => {
    answer(422, {
      error: { code: "invalid_workflow", message: "Node 'n2': unknown type", details: [{ nodeId: "n2" }] },
    });
    const error = await api.get("/api/workflows/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: "invalid_workflow",
      message: "Node 'n2': unknown type",
      details: [{ nodeId: "n2" }],
    });
  });

  it("understands Better Auth's flat { code, message } errors", async () => {
    answer(422, { code: "USER_ALREADY_EXISTS", message: "User already exists" });
    await expect(api.post("/api/auth/sign-up/email", {})).rejects.toMatchObject({
      status: 422,
      code: "USER_ALREADY_EXISTS",
      message: "User already exists",
    });
  });

  it("reports a non-JSON failure and a network failure as ApiError", async () => {
    answer(502, "<html>Bad gateway</html>");
    await expect(api.get("/api/x")).rejects.toMatchObject({ status: 502, code: "bad_response" });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    await expect(api.get("/api/x")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("notifies unauthorized listeners on 401 unless the call is quiet", async () => {
    const seen: ApiError[] = [];
    const stop = onUnauthorized((e) => seen.push(e));
    answer(401, { error: { code: "unauthorized", message: "Sign in" } });
    await expect(api.get("/api/workflows")).rejects.toBeInstanceOf(ApiError);
    await expect(api.get("/api/me", { quietUnauthorized: true })).rejects.toBeInstanceOf(ApiError);
    stop();
    expect(seen.map((e) => e.code)).toEqual(["unauthorized"]);
  });

  it("returns undefined for 204 No Content", async () => {
    answer(204, "");
    await expect(api.delete("/api/workflows/w1")).resolves.toBeUndefined();
  });
});
