/**
 * vitest globalSetup (runs in Node, outside workerd): a fake OAuth2 provider on 127.0.0.1 that checks what
 * a real one checks, so the connect/refresh code is tested against the protocol, not against itself.
 * Tests reach it with `inject("oauthProviderUrl")`; use a fresh `client_id` per test to keep apart.
 *
 *   GET  /authorize  validates response_type, client_id, redirect_uri, state, PKCE S256 challenge, and
 *                    answers 302 to redirect_uri with `code` and the same `state` (`?deny=1`: error=access_denied)
 *   POST /token      authorization_code: single-use code, same redirect_uri, client secret
 *                    `secret-of-<client_id>`, sha256(code_verifier) must equal the challenge.
 *                    refresh_token: rotates the refresh token (the old one stops working, as many providers do).
 *                    Issues tokens that expire in 3600 s.
 *   GET  /resource   200 `{ ok, client }` for `Authorization: Bearer <live access token>`, else 401
 *   ANY  /echo-401   401 quoting the request's Authorization header (a server that leaks it in errors)
 *   GET  /__stats?client_id=…  `{ refreshes, exchanges, accessTokens }` for assertions
 * It listens on a port the OS picks.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { TestProject } from "vitest/node";
import { readAll, serveForTests } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    oauthProviderUrl: string;
  }
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
}
interface ClientStats {
  refreshes: number;
  exchanges: number;
  accessTokens: string[];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, string>(); // token → clientId
  const accessTokens = new Map<string, string>(); // token → clientId
  const stats = new Map<string, ClientStats>();
  const statsOf = (clientId: string) => {
    if (!stats.has(clientId)) stats.set(clientId, { refreshes: 0, exchanges: 0, accessTokens: [] });
    return stats.get(clientId)!;
  };
  const issue = (clientId: string) => {
    const accessToken = `at-${randomBytes(12).toString("hex")}`;
    const refreshToken = `rt-${randomBytes(12).toString("hex")}`;
    accessTokens.set(accessToken, clientId);
    refreshTokens.set(refreshToken, clientId);
    statsOf(clientId).accessTokens.push(accessToken);
    return { access_token: accessToken, refresh_token: refreshToken, token_type: "Bearer", expires_in: 3600 };
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const q = url.searchParams;

    if (req.method === "GET" && url.pathname === "/authorize") {
      const missing = ["client_id", "redirect_uri", "state", "code_challenge"].filter((p) => !q.get(p));
      if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || missing.length) {
        return send(400, { error: "invalid_request", missing });
      }
      const back = new URL(q.get("redirect_uri")!);
      back.searchParams.set("state", q.get("state")!);
      if (q.get("deny") === "1") {
        back.searchParams.set("error", "access_denied");
      } else {
        const code = `code-${randomBytes(8).toString("hex")}`;
        codes.set(code, {
          clientId: q.get("client_id")!,
          redirectUri: q.get("redirect_uri")!,
          challenge: q.get("code_challenge")!,
          scope: q.get("scope") ?? "",
        });
        back.searchParams.set("code", code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    if (req.method === "POST" && url.pathname === "/token") {
      const form = new URLSearchParams(await readAll(req));
      const clientId = form.get("client_id") ?? "";
      if (form.get("client_secret") !== `secret-of-${clientId}`)
        return send(401, { error: "invalid_client" });
      if (form.get("grant_type") === "authorization_code") {
        const pending = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const verifier = form.get("code_verifier") ?? "";
        const challenge = createHash("sha256").update(verifier).digest("base64url");
        if (!pending || pending.clientId !== clientId || pending.redirectUri !== form.get("redirect_uri")) {
          return send(400, { error: "invalid_grant", error_description: "unknown code or redirect_uri" });
        }
        if (challenge !== pending.challenge) {
          return send(400, { error: "invalid_grant", error_description: "PKCE verifier mismatch" });
        }
        statsOf(clientId).exchanges++;
        return send(200, { ...issue(clientId), scope: pending.scope });
      }
      if (form.get("grant_type") === "refresh_token") {
        const token = form.get("refresh_token") ?? "";
        if (refreshTokens.get(token) !== clientId) {
          return send(400, { error: "invalid_grant", error_description: "refresh token revoked or unknown" });
        }
        refreshTokens.delete(token);
        statsOf(clientId).refreshes++;
        return send(200, issue(clientId));
      }
      return send(400, { error: "unsupported_grant_type" });
    }

    if (req.method === "GET" && url.pathname === "/resource") {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      const client = accessTokens.get(token);
      return client ? send(200, { ok: true, client }) : send(401, { error: "invalid_token" });
    }

    if (url.pathname === "/echo-401") {
      // A careless server that quotes the request's credentials in its error answer.
      return send(401, { error: "unauthorized", received: req.headers.authorization ?? null });
    }

    if (req.method === "GET" && url.pathname === "/__stats") {
      return send(200, statsOf(q.get("client_id") ?? ""));
    }
    send(404, { error: `fake provider: no route ${req.method} ${url.pathname}` });
  });

  return serveForTests(server, (url) => project.provide("oauthProviderUrl", url));
}
