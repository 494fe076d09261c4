/**
 * `requireUser`: the signed-in user from the Better Auth session cookie, or from
 * `Authorization: Bearer <api key>`. Sets `c.var.userId`; anything else answers 401.
 */
import { createMiddleware } from "hono/factory";
import { getAuth } from "../auth/auth";
import { findApiKeyOwner } from "../storage/api-keys";
import { getDb } from "../storage/db";
import type { AppEnv } from "./context";
import { unauthorized } from "./errors";

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const userId = await resolveUserId(c.env, c.req.raw, backgroundOf(c));
  if (!userId) throw unauthorized();
  c.set("userId", userId);
  await next();
});

/** `waitUntil` of the request, or undefined where Hono has no ExecutionContext (`app.request` in unit tests). */
export function backgroundOf(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }) {
  let ctx: { waitUntil(p: Promise<unknown>): void };
  try {
    ctx = c.executionCtx; // Hono's getter throws when the app was called without one
  } catch {
    return undefined;
  }
  return (p: Promise<unknown>) => ctx.waitUntil(p);
}

/**
 * The user a request speaks for, or undefined. Exported for routes outside Hono's middleware chain
 * (e.g. the live WebSocket upgrade) that must authenticate the same way.
 */
export async function resolveUserId(
  env: Env,
  request: Request,
  waitUntil?: (p: Promise<unknown>) => void,
): Promise<string | undefined> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    // A request that presents a key is judged by that key alone, even if it also carries a cookie.
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return undefined;
    const owner = await findApiKeyOwner(getDb(env.DB), match[1]);
    if (owner?.touch) {
      if (waitUntil) waitUntil(owner.touch);
      else await owner.touch;
    }
    return owner?.userId;
  }
  if (!request.headers.get("cookie")) return undefined;
  if (isCrossSiteWrite(request)) return undefined;
  const result = await getAuth(env, request.url).api.getSession({ headers: request.headers });
  return result?.user.id;
}

/**
 * CSRF guard for cookie sessions: a state-changing request that a browser marks as coming from another
 * origin is not trusted with the cookie (browsers send `Origin` on every non-GET request). SameSite=Lax
 * already keeps the cookie off most cross-site requests; this also covers same-site subdomains.
 */
function isCrossSiteWrite(request: Request): boolean {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return false;
  const origin = request.headers.get("origin");
  return origin !== null && origin !== new URL(request.url).origin;
}
