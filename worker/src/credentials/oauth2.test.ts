import { describe, expect, it } from "vitest";
import { applyTokens, assertProviderUrl, requestToken } from "./oauth2";

/** A token endpoint answering one fixed response, recording what it was sent. */
function endpoint(status: number, body: string, contentType = "application/json") {
  const sent: { url: string; init?: RequestInit }[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    sent.push({ url, init });
    return new Response(body, { status, headers: { "content-type": contentType } });
  };
  return { fetchFn, sent };
}

describe("OAuth2 token endpoint", () => {
  it("posts a form asking for JSON and reads a JSON answer", async () => {
    const { fetchFn, sent } = endpoint(
      200,
      '{"access_token":"a1","refresh_token":"r1","expires_in":60,"token_type":"Bearer"}',
    );
    const tokens = await requestToken(fetchFn, "https://idp.example/token", {
      grant_type: "refresh_token",
      refresh_token: "r0",
    });
    expect(tokens).toEqual({
      accessToken: "a1",
      refreshToken: "r1",
      tokenType: "Bearer",
      expiresInSeconds: 60,
      scope: undefined,
    });
    expect(sent[0].init?.body).toBe("grant_type=refresh_token&refresh_token=r0");
    expect(new Headers(sent[0].init?.headers).get("accept")).toBe("application/json");
  });

  it("reads GitHub's form-encoded answer", async () => {
    const { fetchFn } = endpoint(
      200,
      "access_token=gho_1&scope=read%3Auser&token_type=bearer",
      "application/x-www-form-urlencoded",
    );
    expect(await requestToken(fetchFn, "https://github.com/login/oauth/access_token", {})).toMatchObject({
      accessToken: "gho_1",
      scope: "read:user",
    });
  });

  it("reports the provider's error code, never the raw body, and tells rejections from outages", async () => {
    const rejected = endpoint(
      400,
      '{"error":"invalid_grant","error_description":"revoked","leak":"r-secret"}',
    );
    const err = await requestToken(rejected.fetchFn, "https://idp.example/token", {}).catch((e) => e);
    expect(err).toMatchObject({
      code: "oauth2_token_rejected",
      message: "Token endpoint answered 400 (invalid_grant: revoked)",
    });
    expect(err.message).not.toContain("r-secret");
    const down = endpoint(503, "<html>down</html>", "text/html");
    await expect(requestToken(down.fetchFn, "https://idp.example/token", {})).rejects.toMatchObject({
      code: "oauth2_token_failed",
    });
    // A 200 with an error field (GitHub does this) is still an error.
    const github = endpoint(200, '{"error":"bad_verification_code"}');
    await expect(requestToken(github.fetchFn, "https://idp.example/token", {})).rejects.toThrow(
      /bad_verification_code/,
    );
  });

  // Issue 13: some providers quote what they were sent in error_description.
  it("masks the refresh token, client secret, code and verifier the provider echoes back", async () => {
    const form = {
      grant_type: "refresh_token",
      refresh_token: "rt-echoed/secret+1",
      client_id: "client-1",
      client_secret: "cs-echoed-secret",
      code: "code-echoed-123",
      code_verifier: "verifier-echoed-456",
    };
    const description = `bad refresh_token=${form.refresh_token} (${encodeURIComponent(form.refresh_token)}) for client-1 with ${form.client_secret}, ${form.code}, ${form.code_verifier}`;
    const echo = endpoint(400, JSON.stringify({ error: "invalid_grant", error_description: description }));
    const err = await requestToken(echo.fetchFn, "https://idp.example/token", form).catch((e) => e);
    expect(err.message).toBe(
      "Token endpoint answered 400 (invalid_grant: bad refresh_token=*** (***) for client-1 with ***, ***, ***)",
    );
  });

  it("keeps the old refresh token when the answer has none, and computes the expiry", () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const next = applyTokens(
      { clientSecret: "s", refreshToken: "r-old" },
      { accessToken: "a2", expiresInSeconds: 3600 },
      now,
    );
    expect(next.secrets).toEqual({
      clientSecret: "s",
      accessToken: "a2",
      refreshToken: "r-old",
      tokenType: undefined,
    });
    expect(next.connection.expiresAt).toBe("2026-01-01T01:00:00.000Z");
    expect(applyTokens({ clientSecret: "s" }, { accessToken: "a3" }, now).connection.expiresAt).toBeNull();
  });
});

describe("assertProviderUrl", () => {
  it("requires https on a public host in production, and allows local fakes in development", () => {
    const production = { NODEBASE_ENV: "production" };
    expect(assertProviderUrl(production, "https://oauth2.googleapis.com/token", "token URL").host).toBe(
      "oauth2.googleapis.com",
    );
    for (const url of [
      "http://idp.example/token",
      "https://127.0.0.1/token",
      "https://10.1.2.3/t",
      "https://localhost/t",
      "https://[::1]/t",
      "https://169.254.169.254/latest",
    ]) {
      expect(() => assertProviderUrl(production, url, "token URL")).toThrow(/https URL on a public host/);
    }
    expect(
      assertProviderUrl({ NODEBASE_ENV: "development" }, "http://127.0.0.1:8842/token", "token URL").port,
    ).toBe("8842");
    expect(() => assertProviderUrl(production, "not a url", "token URL")).toThrow(/not a URL/);
  });
});
