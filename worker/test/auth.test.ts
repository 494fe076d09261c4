import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE_URL, call, cookieFrom, signUp } from "./helpers";

describe("accounts", () => {
  it("signs up with an HttpOnly session cookie that identifies the user", async () => {
    const email = `alice-${crypto.randomUUID()}@example.test`;
    const res = await call("/api/auth/sign-up/email", {
      method: "POST",
      json: { email, password: "correct horse battery", name: "Alice" },
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    // The session lives only in the HttpOnly cookie: page scripts never see a copy of it.
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty("token");
    expect(body.user).toMatchObject({ email, name: "Alice" });
    const me = await call("/api/me", { headers: { cookie: cookieFrom(res) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: expect.any(String), email, name: "Alice" });
  });

  it("stores the password as PBKDF2, never in plaintext", async () => {
    const user = await signUp({ password: "plaintext-canary-123" });
    const row = await env.DB.prepare("SELECT password FROM account WHERE user_id = ?")
      .bind(user.userId)
      .first<{ password: string }>();
    expect(row?.password).toMatch(/^pbkdf2\$100000\$/);
    expect(row?.password).not.toContain("plaintext-canary");
  });

  it("signs in with the right password and refuses a wrong one with 401", async () => {
    const user = await signUp();
    const ok = await call("/api/auth/sign-in/email", {
      method: "POST",
      json: { email: user.email, password: user.password },
    });
    expect(ok.status).toBe(200);
    const me = await call("/api/me", { headers: { cookie: cookieFrom(ok) } });
    expect(((await me.json()) as { id: string }).id).toBe(user.userId);

    const bad = await call("/api/auth/sign-in/email", {
      method: "POST",
      json: { email: user.email, password: "wrong-password" },
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      error: { code: "invalid_email_or_password", message: expect.any(String) },
    });
    expect(
      bad.headers
        .getSetCookie()
        .some((c) => c.startsWith("better-auth.session_token=") && !/Max-Age=0/.test(c)),
    ).toBe(false);
  });

  it("refuses a second account with the same email", async () => {
    const user = await signUp();
    const res = await call("/api/auth/sign-up/email", {
      method: "POST",
      json: { email: user.email, password: "another-password", name: "Dup" },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toMatch(/already_exists/);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM user WHERE email = ?")
      .bind(user.email)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("refuses a too-short password", async () => {
    const res = await call("/api/auth/sign-up/email", {
      method: "POST",
      json: { email: `short-${crypto.randomUUID()}@example.test`, password: "short", name: "S" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("password_too_short");
  });

  it("signs out: the old session cookie no longer works", async () => {
    const user = await signUp();
    expect((await call("/api/me", { headers: { cookie: user.cookie } })).status).toBe(200);
    // Better Auth's CSRF check: a cookie-authenticated POST must come from our own origin, as a browser's does.
    const forged = await call("/api/auth/sign-out", {
      method: "POST",
      headers: { cookie: user.cookie, origin: "http://evil.test" },
    });
    expect(forged.status).toBe(403);
    expect((await call("/api/me", { headers: { cookie: user.cookie } })).status).toBe(200);
    const out = await call("/api/auth/sign-out", {
      method: "POST",
      headers: { cookie: user.cookie, origin: BASE_URL },
    });
    expect(out.status).toBe(200);
    const me = await call("/api/me", { headers: { cookie: user.cookie } });
    expect(me.status).toBe(401);
    expect(await me.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("does not honour the session cookie on a write from another origin", async () => {
    const user = await signUp();
    const forged = await call("/api/api-keys", {
      method: "POST",
      headers: { cookie: user.cookie, origin: "http://evil.test" },
      json: { name: "stolen" },
    });
    expect(forged.status).toBe(401);
    const own = await call("/api/api-keys", {
      method: "POST",
      headers: { cookie: user.cookie, origin: BASE_URL },
      json: { name: "mine" },
    });
    expect(own.status).toBe(201);
    const names = (
      (await (await user.fetch("/api/api-keys")).json()) as { items: { name: string }[] }
    ).items.map((k) => k.name);
    expect(names).toEqual(["mine", "tests"]);
  });

  it("answers 401 without a cookie or key, and for a garbage cookie", async () => {
    expect((await call("/api/me")).status).toBe(401);
    expect(
      (await call("/api/me", { headers: { cookie: "better-auth.session_token=forged.value" } })).status,
    ).toBe(401);
  });
});
