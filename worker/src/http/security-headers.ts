/**
 * The security headers on every answer of the Worker. The SPA's static files are served by the assets
 * binding without running the Worker, so the same headers reach them through `web/public/_headers`
 * (copied into web/dist by vite); a test checks that the two lists agree.
 *
 * The CSP allows scripts and connections (fetch, the live WebSocket) to this origin only, and inline
 * styles, which React Flow and Swagger UI set as `style` attributes. `frame-ancestors 'none'` (and
 * `X-Frame-Options: DENY` for old browsers) keeps every page out of frames: no clickjacking.
 */
import { createMiddleware } from "hono/factory";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  // Browsers ignore HSTS over plain http (local development), so it is safe to send everywhere.
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

/**
 * Sets the headers on every response, errors and WebSocket upgrades included (101s cannot be changed).
 * A webhook answer built from run data carries a stricter policy of its own (`sandbox`,
 * http/webhook-answers.ts), which is kept; no other route sets one.
 */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  if (c.res.status === 101) return;
  const own = c.res.headers.get("Content-Security-Policy");
  const wanted = {
    ...SECURITY_HEADERS,
    ...(own?.startsWith("sandbox") && { "Content-Security-Policy": own }),
  };
  for (const [name, value] of Object.entries(wanted)) {
    try {
      c.res.headers.set(name, value);
    } catch {
      // An immutable response (e.g. a fetched one passed through): copy it once with the headers.
      const headers = new Headers(c.res.headers);
      for (const [n, v] of Object.entries(wanted)) headers.set(n, v);
      c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
      return;
    }
  }
});
