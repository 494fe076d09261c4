/**
 * Better Auth on D1 through its drizzle adapter. Email + password only; the session lives in the
 * `session` table and reaches the browser as an HttpOnly cookie.
 *
 * The instance depends on the request's origin (its `baseURL` and trusted origin) and on `env`, so it is
 * built per (env, origin) and cached: building it is cheap, but there is no reason to repeat it per request.
 */
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { getDb } from "../storage/db";
import { account, session, user, verification } from "../storage/schema";
import { hashPassword, verifyPassword } from "./password";

export const AUTH_BASE_PATH = "/api/auth";

function createAuth(env: Env, origin: string) {
  if (!env.AUTH_SECRET) throw new Error("AUTH_SECRET is not set (see .dev.vars / `wrangler secret put`)");
  return betterAuth({
    appName: "Nodebase",
    secret: env.AUTH_SECRET,
    baseURL: origin,
    basePath: AUTH_BASE_PATH,
    // The SPA is served by this same Worker (or by Pages forwarding same-origin), so the only trusted
    // origin is the one the request came to.
    trustedOrigins: [origin],
    database: drizzleAdapter(getDb(env.DB), {
      provider: "sqlite",
      schema: { user, session, account, verification },
    }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      minPasswordLength: 8,
      maxPasswordLength: 256,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    // Better Auth's limiter keeps counters in isolate memory, which on Workers is per isolate and
    // short-lived: it would give a false sense of protection. Use Cloudflare's rate limiting rules instead.
    rateLimit: { enabled: false },
    advanced: {
      useSecureCookies: origin.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/" },
    },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const cache = new WeakMap<Env, Map<string, Auth>>();

/** The Better Auth instance for this Worker environment and this request's origin. */
export function getAuth(env: Env, requestUrl: string): Auth {
  const origin = new URL(requestUrl).origin;
  let byOrigin = cache.get(env);
  if (!byOrigin) cache.set(env, (byOrigin = new Map()));
  let auth = byOrigin.get(origin);
  if (!auth) {
    auth = createAuth(env, origin);
    // A handful of origins at most (localhost, the deployed host); bound it anyway.
    if (byOrigin.size > 16) byOrigin.clear();
    byOrigin.set(origin, auth);
  }
  return auth;
}
