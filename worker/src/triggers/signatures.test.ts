import { describe, expect, it } from "vitest";
import { constantTimeEqual, hmacSha256Hex, verifySha256Signature, verifyStripeSignature } from "./signatures";

const encode = (s: string) => new TextEncoder().encode(s);

describe("constantTimeEqual", () => {
  it("is true only for identical strings", () => {
    expect(constantTimeEqual("s3cret", "s3cret")).toBe(true);
    expect(constantTimeEqual("s3cret", "s3creT")).toBe(false);
    expect(constantTimeEqual("s3cret", "s3cret-longer")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});

describe("hmacSha256Hex", () => {
  it("matches the RFC 4231 test case 2", async () => {
    expect(await hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });
});

describe("verifySha256Signature", () => {
  it("accepts sha256=<hex of HMAC(raw body)> and nothing else", async () => {
    const body = encode('{"n":2}');
    const mac = await hmacSha256Hex("hook-secret", body);
    expect(await verifySha256Signature(`sha256=${mac}`, "hook-secret", body)).toBe(true);
    expect(await verifySha256Signature(`sha256=${mac.toUpperCase()}`, "hook-secret", body)).toBe(true);
    expect(await verifySha256Signature(`sha256=${mac}`, "other-secret", body)).toBe(false);
    expect(await verifySha256Signature(`sha256=${mac}`, "hook-secret", encode('{"n":3}'))).toBe(false);
    expect(await verifySha256Signature(mac, "hook-secret", body)).toBe(false);
    expect(await verifySha256Signature(null, "hook-secret", body)).toBe(false);
  });
});

describe("verifyStripeSignature", () => {
  const secret = "whsec_test_secret";
  const body = '{"id":"evt_1","type":"invoice.paid"}';
  const now = 1_767_225_600;
  const sign = async (t: number, s = secret) => hmacSha256Hex(s, `${t}.${body}`);

  it("accepts a fresh, correct v1 signature", async () => {
    expect(await verifyStripeSignature(`t=${now},v1=${await sign(now)}`, body, secret, now)).toEqual({
      ok: true,
    });
  });

  it("accepts when any of several v1 values matches (secret roll-over)", async () => {
    const header = `t=${now},v1=${await sign(now, "whsec_old")},v1=${await sign(now)},v0=abc`;
    expect(await verifyStripeSignature(header, body, secret, now)).toEqual({ ok: true });
  });

  it("rejects a wrong signature, a changed body, a stale or missing header", async () => {
    const good = await sign(now);
    expect(
      await verifyStripeSignature(`t=${now},v1=${await sign(now, "whsec_wrong")}`, body, secret, now),
    ).toMatchObject({
      ok: false,
      reason: "mismatch",
    });
    expect(await verifyStripeSignature(`t=${now},v1=${good}`, body + " ", secret, now)).toMatchObject({
      reason: "mismatch",
    });
    expect(
      await verifyStripeSignature(`t=${now - 301},v1=${await sign(now - 301)}`, body, secret, now),
    ).toMatchObject({
      reason: "stale",
    });
    expect(
      await verifyStripeSignature(`t=${now - 300},v1=${await sign(now - 300)}`, body, secret, now),
    ).toEqual({ ok: true });
    expect(await verifyStripeSignature(`v1=${good}`, body, secret, now)).toMatchObject({
      reason: "malformed",
    });
    expect(await verifyStripeSignature(`t=${now},v0=${good}`, body, secret, now)).toMatchObject({
      reason: "malformed",
    });
    expect(await verifyStripeSignature(null, body, secret, now)).toMatchObject({ reason: "missing" });
  });
});
