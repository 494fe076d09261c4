import { describe, expect, it } from "vitest";
import { applyHttpAuth } from "./http-auth";

function headersFor(type: string, data: Record<string, unknown>): Record<string, string> {
  const headers = new Headers({ accept: "application/json" });
  applyHttpAuth(headers, { type, data });
  return Object.fromEntries(headers);
}

describe("applyHttpAuth", () => {
  it("sets a named header", () => {
    expect(headersFor("httpHeaderAuth", { name: "X-Api-Key", value: "k-123" })).toEqual({
      accept: "application/json",
      "x-api-key": "k-123",
    });
  });

  it("sets bearer and oauth2 tokens", () => {
    expect(headersFor("httpBearerAuth", { token: "t-1" }).authorization).toBe("Bearer t-1");
    expect(headersFor("oauth2", { accessToken: "at-9", refreshToken: "r" }).authorization).toBe(
      "Bearer at-9",
    );
  });

  it("sets basic auth from UTF-8 user and password", () => {
    expect(headersFor("httpBasicAuth", { user: "ada", password: "p:w" }).authorization).toBe(
      `Basic ${btoa("ada:p:w")}`,
    );
    expect(headersFor("httpBasicAuth", { user: "zoë", password: "" }).authorization).toBe("Basic em/Dqzo=");
  });

  it("replaces a header the node set itself", () => {
    const headers = new Headers({ Authorization: "Bearer typed-by-hand" });
    applyHttpAuth(headers, { type: "httpBearerAuth", data: { token: "from-credential" } });
    expect(headers.get("authorization")).toBe("Bearer from-credential");
  });

  it("does nothing without a credential", () => {
    const headers = new Headers({ a: "1" });
    applyHttpAuth(headers, undefined);
    expect(Object.fromEntries(headers)).toEqual({ a: "1" });
  });

  it("fails clearly on missing fields or a foreign credential type", () => {
    expect(() => headersFor("httpBearerAuth", {})).toThrow('the httpBearerAuth credential has no "token"');
    expect(() => headersFor("oauth2", {})).toThrow("connect the account first");
    expect(() => headersFor("slackWebhook", { url: "x" })).toThrow(
      'credential type "slackWebhook" cannot be used',
    );
  });
});
