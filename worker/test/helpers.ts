/**
 * Helpers for scenario tests: a fresh signed-up user per call, with its session cookie, a personal API
 * key, and a `fetch` that sends the API key (paths are relative to the Worker, e.g. "/api/workflows").
 */
import { exports } from "cloudflare:workers";

export const BASE_URL = "http://local.test";

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  /** `name=value` of the session cookie, ready for a `cookie` header. */
  cookie: string;
  apiKey: string;
  /** Calls the Worker as this user (Bearer API key). JSON bodies: pass `json` instead of `body`. */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

let counter = 0;

/** Calls the Worker without credentials. */
export function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(
    new Request(BASE_URL + path, {
      ...rest,
      headers,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    }),
  );
}

/** Extracts `name=value` pairs from a response's Set-Cookie headers. */
export function cookieFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function signUp(
  opts: { email?: string; password?: string; name?: string } = {},
): Promise<TestUser> {
  const email =
    opts.email ?? `user${Date.now()}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const password = opts.password ?? "a-long-test-password";
  const res = await call("/api/auth/sign-up/email", {
    method: "POST",
    json: { email, password, name: opts.name ?? "Test User" },
  });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  const cookie = cookieFrom(res);
  const keyRes = await call("/api/api-keys", {
    method: "POST",
    headers: { cookie },
    json: { name: "tests" },
  });
  if (keyRes.status !== 201) throw new Error(`api key failed: ${keyRes.status} ${await keyRes.text()}`);
  const { key } = (await keyRes.json()) as { key: string };
  return {
    userId: body.user.id,
    email,
    password,
    cookie,
    apiKey: key,
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${key}`);
      return call(path, { ...init, headers });
    },
  };
}
