/**
 * `/api/auth/*`: Better Auth's own handler (sign-up, sign-in, sign-out, get-session, ...), plus
 * `GET /api/me`. Better Auth errors are rewritten into our `{ error: { code, message } }` shape so every
 * 4xx of the API looks the same. The main auth routes are added to the OpenAPI document by hand, since
 * Better Auth declares its routes itself.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getAuth } from "../auth/auth";
import { getUserProfile } from "../storage/users";
import type { AppEnv } from "./context";
import { errorBody, notFound } from "./errors";
import { clientIp, enforceRateLimits } from "./rate-limit";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, security } from "./schemas";

export const authApp = new OpenAPIHono<AppEnv>();

/** Better Auth's routes that guess or create credentials: rate-limited per IP and per email address. */
const LIMITED_AUTH_ROUTES: Record<string, ["signInIp" | "signUpIp", "signInAccount" | "signUpAccount"]> = {
  "/api/auth/sign-in/email": ["signInIp", "signInAccount"],
  "/api/auth/sign-up/email": ["signUpIp", "signUpAccount"],
};

authApp.on(["GET", "POST"], "/auth/*", async (c) => {
  const limited = c.req.method === "POST" ? LIMITED_AUTH_ROUTES[c.req.path] : undefined;
  if (limited) {
    const body = (await c.req.raw
      .clone()
      .json()
      .catch(() => null)) as { email?: unknown } | null;
    const email = typeof body?.email === "string" ? body.email.trim().toLowerCase() : null;
    await enforceRateLimits(c, [
      [limited[0], clientIp(c.req.raw)],
      [limited[1], email],
    ]);
  }
  const res = await getAuth(c.env, c.req.url).handler(c.req.raw);
  if (res.status >= 400) return toApiError(res);
  return withoutSessionToken(res);
});

/**
 * Better Auth also puts the session token in the JSON body of sign-up/sign-in. The HttpOnly cookie is the
 * session; a copy readable by page scripts would undo what HttpOnly protects, so it is dropped.
 */
async function withoutSessionToken(res: Response): Promise<Response> {
  if (!res.headers.get("content-type")?.includes("application/json")) return res;
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as Record<string, unknown> | null;
  if (!body || typeof body !== "object") return res;
  const stripped = stripTokens(body);
  if (stripped === body) return res;
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(stripped), { status: res.status, headers });
}

/**
 * The body without session tokens: top-level `token` (sign-in, sign-up), `session.token` (get-session)
 * and each item's `token` (list-sessions). The same object comes back when there was none.
 */
function stripTokens(body: unknown): unknown {
  if (Array.isArray(body)) {
    const items = body.map(stripTokens);
    return items.some((item, i) => item !== body[i]) ? items : body;
  }
  if (body === null || typeof body !== "object") return body;
  const record = body as Record<string, unknown>;
  const session = record.session === undefined ? undefined : stripTokens(record.session);
  if (!("token" in record) && session === record.session) return body;
  const { token: _token, ...rest } = record;
  return session === undefined ? rest : { ...rest, session };
}

async function toApiError(res: Response): Promise<Response> {
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as { code?: string; message?: string } | null;
  const code = (body?.code ?? (res.status === 401 ? "unauthorized" : "auth_error")).toLowerCase();
  const message = body?.message ?? res.statusText ?? "Authentication failed";
  const headers = new Headers(res.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  return new Response(JSON.stringify(errorBody(code, message)), { status: res.status, headers });
}

const Me = z.object({ id: z.string(), email: z.string(), name: z.string() }).openapi("Me");

authApp.use("/me", requireUser);
authApp.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["Auth"],
    summary: "The signed-in user",
    security,
    responses: {
      200: { description: "The user", content: { "application/json": { schema: Me } } },
      ...authErrors,
    },
  }),
  async (c) => {
    const me = await getUserProfile(c.env.DB, c.var.userId);
    if (!me) throw notFound("User");
    return c.json(me, 200);
  },
);

// --- OpenAPI entries for Better Auth's routes (served by the handler above) ---------------------
const SessionUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  image: z.string().nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const SignedIn = z.object({ user: SessionUser });
const sessionCookie = {
  "Set-Cookie": {
    description: "HttpOnly session cookie `better-auth.session_token` (prefixed `__Secure-` over https)",
    schema: { type: "string" as const },
  },
};

authApp.openAPIRegistry.registerPath({
  method: "post",
  path: "/auth/sign-up/email",
  tags: ["Auth"],
  summary: "Create an account and sign in",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            email: z.string().email(),
            password: z.string().min(8).max(256),
            name: z.string().min(1),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Signed up and signed in",
      headers: sessionCookie,
      content: { "application/json": { schema: SignedIn } },
    },
    400: errorResponse("Invalid email or too short/long password"),
    422: errorResponse("`user_already_exists...`: the email is taken"),
  },
});
authApp.openAPIRegistry.registerPath({
  method: "post",
  path: "/auth/sign-in/email",
  tags: ["Auth"],
  summary: "Sign in with email and password",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            email: z.string().email(),
            password: z.string(),
            rememberMe: z.boolean().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Signed in",
      headers: sessionCookie,
      content: { "application/json": { schema: SignedIn } },
    },
    401: errorResponse("`invalid_email_or_password`"),
  },
});
authApp.openAPIRegistry.registerPath({
  method: "post",
  path: "/auth/sign-out",
  tags: ["Auth"],
  summary: "Sign out (ends the session, clears the cookie)",
  security: [{ cookieAuth: [] }],
  // Better Auth insists on a JSON content type for its POSTs, even without fields.
  request: { body: { content: { "application/json": { schema: z.object({}) } } } },
  responses: {
    200: {
      description: "Signed out",
      content: { "application/json": { schema: z.object({ success: z.boolean() }) } },
    },
  },
});
authApp.openAPIRegistry.registerPath({
  method: "get",
  path: "/auth/get-session",
  tags: ["Auth"],
  summary: "The current session and user, or null",
  security: [{ cookieAuth: [] }],
  responses: {
    200: {
      description: "Session, or `null` when not signed in",
      content: {
        "application/json": {
          schema: z
            .object({ session: z.object({ id: z.string(), expiresAt: z.string() }), user: SessionUser })
            .nullable(),
        },
      },
    },
  },
});
