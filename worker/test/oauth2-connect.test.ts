/**
 * The whole OAuth2 flow against a fake provider on 127.0.0.1: Connect → provider → callback → tokens stored
 * encrypted → an expired token refreshed once while several steps need it at the same moment.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { loadCredentialForStep } from "../src/credentials/for-step";
import { getDb } from "../src/storage/db";
import { credential, oauthState } from "../src/storage/schema";
import { BASE_URL, call, signUp, type TestUser } from "./helpers";

const provider = inject("oauthProviderUrl");

async function oauth2Credential(user: TestUser) {
  const clientId = `client-${crypto.randomUUID()}`;
  const res = await user.fetch("/api/credentials", {
    method: "POST",
    json: {
      name: "Fake provider",
      type: "oauth2",
      data: {
        clientId,
        clientSecret: `secret-of-${clientId}`,
        authUrl: `${provider}/authorize`,
        tokenUrl: `${provider}/token`,
        scopes: "read write",
      },
    },
  });
  expect(res.status).toBe(201);
  const { id } = await res.json<{ id: string }>();
  return { id, clientId };
}

/** Connect as the browser would: our redirect → the provider's redirect → the callback URL (not yet called). */
async function authorize(user: TestUser, credentialId: string, providerQuery = "") {
  const connect = await call(`/api/integrations/oauth2/${credentialId}/connect`, {
    headers: { cookie: user.cookie },
    redirect: "manual",
  });
  expect(connect.status).toBe(302);
  const authorizeUrl = new URL(connect.headers.get("location")!);
  const back = await fetch(authorizeUrl.toString() + providerQuery, { redirect: "manual" });
  expect(back.status).toBe(302);
  return { authorizeUrl, callbackUrl: new URL(back.headers.get("location")!) };
}

const callback = (user: TestUser, url: URL) =>
  call(url.pathname + url.search, { headers: { cookie: user.cookie }, redirect: "manual" });

const stats = async (clientId: string) =>
  (await (await fetch(`${provider}/__stats?client_id=${clientId}`)).json()) as {
    refreshes: number;
    exchanges: number;
    accessTokens: string[];
  };

describe("OAuth2 connect", () => {
  it("connects with state and PKCE, stores tokens encrypted, and refreshes an expired token once", async () => {
    const user = await signUp();
    const { id, clientId } = await oauth2Credential(user);
    const { authorizeUrl, callbackUrl } = await authorize(user, id);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      response_type: "code",
      client_id: clientId,
      redirect_uri: `${BASE_URL}/api/integrations/oauth2/callback`,
      scope: "read write",
      code_challenge_method: "S256",
    });
    expect(authorizeUrl.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callbackUrl.pathname).toBe("/api/integrations/oauth2/callback");

    const done = await callback(user, callbackUrl);
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/credentials?connected=${id}`);

    const [accessToken] = (await stats(clientId)).accessTokens;
    const shown = await (await user.fetch(`/api/credentials/${id}`)).text();
    expect(shown).not.toContain(accessToken);
    expect(shown).not.toContain(`secret-of-${clientId}`);
    const view = JSON.parse(shown);
    expect(view.connection).toMatchObject({ connectedAt: expect.any(String), scope: "read write" });
    expect(Date.parse(view.connection.expiresAt)).toBeGreaterThan(Date.now() + 3000_000);
    const row = await getDb(env.DB).select().from(credential).where(eq(credential.id, id)).get();
    expect(JSON.stringify(row)).not.toContain(accessToken);

    // The state is single use.
    const replay = await callback(user, callbackUrl);
    expect(replay.status).toBe(400);
    expect((await replay.json<any>()).error.code).toBe("invalid_oauth_state");

    const step = () =>
      loadCredentialForStep(env, { userId: user.userId, credentialId: id, acceptedTypes: ["oauth2"] });
    const loaded = await step();
    expect(loaded.data.accessToken).toBe(accessToken);
    expect(loaded.data).not.toHaveProperty("refreshToken");
    expect(loaded.data).not.toHaveProperty("clientSecret");
    expect(loaded.secretValues).toContain(accessToken);
    expect(loaded.secretValues).toContain(`secret-of-${clientId}`);
    const resource = await fetch(`${provider}/resource`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(resource.status).toBe(200);

    // Time passes: the token has expired. Five steps need it at once; the provider sees one refresh
    // (its refresh tokens rotate, so a second refresh with the old one would fail).
    const expired = {
      ...row!.publicData,
      connection: { ...view.connection, expiresAt: "2020-01-01T00:00:00.000Z" },
    };
    await getDb(env.DB).update(credential).set({ publicData: expired }).where(eq(credential.id, id));
    const results = await Promise.all([step(), step(), step(), step(), step()]);
    const after = await stats(clientId);
    expect(after.refreshes).toBe(1);
    const refreshed = after.accessTokens[1];
    expect(refreshed).not.toBe(accessToken);
    for (const r of results) expect(r.data.accessToken).toBe(refreshed);
    expect(
      (await fetch(`${provider}/resource`, { headers: { authorization: `Bearer ${refreshed}` } })).status,
    ).toBe(200);
    const connection = (await (await user.fetch(`/api/credentials/${id}`)).json<any>()).connection;
    expect(Date.parse(connection.expiresAt)).toBeGreaterThan(Date.now());
    // Fresh again: no further refresh.
    await step();
    expect((await stats(clientId)).refreshes).toBe(1);
  });

  it("refuses a state that is forged, another user's or expired", async () => {
    const owner = await signUp();
    const intruder = await signUp();
    const { id } = await oauth2Credential(owner);
    const { callbackUrl } = await authorize(owner, id);

    // Another session presenting the owner's state: refused, and the state is not used up by it.
    const stolen = await callback(intruder, callbackUrl);
    expect(stolen.status).toBe(400);
    expect((await stolen.json<any>()).error.code).toBe("invalid_oauth_state");

    const forged = new URL(callbackUrl);
    forged.searchParams.set("state", `${"A".repeat(43)}.${"B".repeat(43)}`);
    expect((await callback(owner, forged)).status).toBe(400);
    expect((await call(callbackUrl.pathname + callbackUrl.search)).status).toBe(401);

    // The owner's own callback still works after those attempts.
    expect((await callback(owner, callbackUrl)).headers.get("location")).toBe(`/credentials?connected=${id}`);

    // A state past its ten minutes is refused.
    const second = await authorize(owner, id);
    const state = second.callbackUrl.searchParams.get("state")!;
    await getDb(env.DB)
      .update(oauthState)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oauthState.state, state));
    const late = await callback(owner, second.callbackUrl);
    expect(late.status).toBe(400);
    expect((await late.json<any>()).error.message).toMatch(/expired/);
  });

  it("sends the person back with the reason when the provider declines", async () => {
    const user = await signUp();
    const { id, clientId } = await oauth2Credential(user);
    const { callbackUrl } = await authorize(user, id, "&deny=1");
    const res = await callback(user, callbackUrl);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/credentials?connectError=oauth2_denied&credential=${id}`);
    expect((await stats(clientId)).exchanges).toBe(0);
    await expect(
      loadCredentialForStep(env, { userId: user.userId, credentialId: id, acceptedTypes: ["oauth2"] }),
    ).rejects.toThrow(/not connected: open Credentials and press Connect/);
  });

  it("fills Google and GitHub URLs from a preset", async () => {
    const user = await signUp();
    for (const [preset, host] of [
      ["google", "accounts.google.com"],
      ["github", "github.com"],
    ]) {
      const res = await user.fetch("/api/credentials", {
        method: "POST",
        json: { name: preset, type: "oauth2", data: { preset, clientId: "cid", clientSecret: "csecret" } },
      });
      const created = await res.json<any>();
      expect(created.data).toMatchObject({ preset, clientId: "cid", authUrl: expect.stringContaining(host) });
      expect(created.connection).toBeNull();
      const connect = await call(`/api/integrations/oauth2/${created.id}/connect`, {
        headers: { cookie: user.cookie },
        redirect: "manual",
      });
      const location = new URL(connect.headers.get("location")!);
      expect(location.host).toBe(host);
      if (preset === "google") expect(location.searchParams.get("access_type")).toBe("offline");
    }
    const custom = await user.fetch("/api/credentials", {
      method: "POST",
      json: { name: "x", type: "oauth2", data: { clientId: "cid", clientSecret: "csecret" } },
    });
    expect(custom.status).toBe(400);
  });

  it("refuses Connect for a credential that is not oauth2, or is another user's", async () => {
    const user = await signUp();
    const other = await signUp();
    const bearer = await user.fetch("/api/credentials", {
      method: "POST",
      json: { name: "b", type: "httpBearerAuth", data: { token: "tok-not-oauth" } },
    });
    const { id } = await bearer.json<{ id: string }>();
    const res = await call(`/api/integrations/oauth2/${id}/connect`, {
      headers: { cookie: user.cookie },
      redirect: "manual",
    });
    expect(res.status).toBe(400);
    const { id: oauthId } = await oauth2Credential(user);
    const foreign = await call(`/api/integrations/oauth2/${oauthId}/connect`, {
      headers: { cookie: other.cookie },
    });
    expect(foreign.status).toBe(404);
  });
});
