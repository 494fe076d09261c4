/**
 * Issue 13, "no secret anywhere": every credential type's secrets are planted, then nodes fail in every
 * way we know (a provider quoting the secret or part of its URL back, a network failure, an OAuth2
 * token endpoint echoing the refresh token and client secret, a webhook called with wrong auth). After
 * each failure the D1 database, the API's answers, the live room's messages and the log are searched
 * for every planted value.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyringFromEnv } from "../src/credentials/cipher";
import { sealSecrets } from "../src/credentials/vault";
import { getDb } from "../src/storage/db";
import { getCredentialById, saveRefreshedCredential } from "../src/storage/credentials";
import { doc } from "./api-helpers-engine";
import { fakeSession } from "./fakes/fake-http";
import { call, signUp } from "./helpers";
import {
  captureLog,
  credential,
  dumpDatabase,
  expectNowhere as expectNowhereIn,
  failingRun,
  quoting,
} from "./secret-leaks";

const log = captureLog();
const expectNowhere = (secrets: string[], texts: string[], database: string) =>
  expectNowhereIn(log, secrets, texts, database);

describe("no planted secret survives a failure", { timeout: 60_000 }, () => {
  it("http*Auth: a server quoting the Authorization header or custom header back", async () => {
    const user = await signUp();
    const planted = {
      token: `bearer-${crypto.randomUUID()}`,
      user: "alice",
      password: `basic-${crypto.randomUUID()}`,
      header: `header-${crypto.randomUUID()}`,
    };
    const basic = btoa(`${planted.user}:${planted.password}`);
    const texts: string[] = [];
    for (const [type, data, quote] of [
      ["httpBearerAuth", { token: planted.token }, `Bearer ${planted.token}`],
      ["httpBasicAuth", { user: planted.user, password: planted.password }, `Basic ${basic}`],
      ["httpHeaderAuth", { name: "X-Api-Key", value: planted.header }, planted.header],
    ] as const) {
      const fake = await fakeSession(quoting(401, quote));
      const credentialId = await credential(user, type, data);
      const run = await failingRun(user, {
        type: "httpRequest",
        credentialId,
        parameters: { method: "GET", url: `${fake.baseUrl}/x` },
      });
      expect(run.error).toContain("***");
      texts.push(...run.texts);
    }
    expectNowhere([planted.token, planted.password, planted.header, basic], texts, await dumpDatabase());
  });

  it("openai, anthropic, gemini: a provider quoting the API key back, and an unreachable provider", async () => {
    const user = await signUp();
    const texts: string[] = [];
    const keys: string[] = [];
    for (const type of ["openai", "anthropic", "gemini"]) {
      const apiKey = `sk-${type}-${crypto.randomUUID()}`;
      keys.push(apiKey);
      const fake = await fakeSession(quoting(401, apiKey));
      for (const baseUrl of [fake.baseUrl, "http://127.0.0.1:9/unreachable"]) {
        const credentialId = await credential(user, type, { apiKey, baseUrl });
        const run = await failingRun(user, {
          type,
          credentialId,
          parameters: { model: "m", prompt: "hi" },
        });
        texts.push(...run.texts);
      }
    }
    expectNowhere(keys, texts, await dumpDatabase());
  });

  it("slack and discord: an answer quoting the incoming-webhook URL whole, cut short, or only its token", async () => {
    const user = await signUp();
    const texts: string[] = [];
    const secrets: string[] = [];
    for (const [type, path] of [
      ["slackWebhook", `/services/T0${rand()}/B0${rand()}/${rand()}${rand()}`],
      ["discordWebhook", `/api/webhooks/${Date.now()}${Math.floor(Math.random() * 1e6)}/${rand()}-${rand()}`],
    ] as const) {
      const token = path.split("/").pop()!;
      const quotes = `no_team: {request.url} | {request.url.noscheme} | {request.url.cut}… | ${path} | ${token}`;
      const answer = await fakeSession([{ status: 404, body: quotes }]);
      const url = answer.baseUrl + path;
      secrets.push(url, url.slice(0, -8), url.slice("http://".length), path, token);
      const credentialId = await credential(user, type, { url });
      const run = await failingRun(user, {
        type: type === "slackWebhook" ? "slack" : "discord",
        credentialId,
        parameters: { content: "hello" },
      });
      // The path alone keeps its words (`services`, `api/webhooks`); its ids and token are masked.
      expect(run.error).toMatch(
        /no_team: \*\*\* \| \*\*\* \| \*\*\*… \| \/[a-z/]+\/\*\*\*\/\*\*\*(\/\*\*\*)? \| \*\*\*"/,
      );
      expect((await answer.requests()).length).toBe(1);
      texts.push(...run.texts);
    }
    expectNowhere(secrets, texts, await dumpDatabase());
  });

  it("oauth2: the token endpoint's error_description echoes the refresh token and the client secret", async () => {
    const user = await signUp();
    const clientSecret = `cs-${crypto.randomUUID()}`;
    const refreshToken = `rt-${crypto.randomUUID()}`;
    const accessToken = `at-${crypto.randomUUID()}`;
    const tokenEndpoint = await fakeSession([
      {
        status: 400,
        body: {
          error: "invalid_grant",
          error_description: `refresh_token ${refreshToken} is not valid for client secret ${clientSecret}`,
        },
      },
    ]);
    const credentialId = await credential(user, "oauth2", {
      clientId: "client-1",
      clientSecret,
      authUrl: `${tokenEndpoint.baseUrl}/authorize`,
      tokenUrl: `${tokenEndpoint.baseUrl}/token`,
    });
    // As if Connect had run an hour ago: tokens stored, access token expired, so the step must refresh.
    const db = getDb(env.DB);
    const row = (await getCredentialById(db, credentialId))!;
    const sealed = await sealSecrets(await keyringFromEnv(env), row, {
      clientSecret,
      accessToken,
      refreshToken,
      tokenType: "Bearer",
    });
    const connection = {
      connectedAt: new Date(Date.now() - 7200_000).toISOString(),
      expiresAt: new Date(Date.now() - 3600_000).toISOString(),
    };
    await saveRefreshedCredential(db, credentialId, {
      publicData: { ...row.publicData, connection },
      ...sealed,
    });
    const fake = await fakeSession([{ status: 200, body: {} }]);
    const run = await failingRun(user, {
      type: "httpRequest",
      credentialId,
      parameters: { method: "GET", url: `${fake.baseUrl}/resource` },
    });
    expect(run.error).toContain("invalid_grant");
    expect(run.error).toContain("refresh_token ***");
    expect((await tokenEndpoint.requests()).length).toBe(1);
    expectNowhere([clientSecret, refreshToken, accessToken], run.texts, await dumpDatabase());
  });

  it("webhookAuth, stripeWebhook, googleForm: calls with wrong secrets are refused without quoting the right ones", async () => {
    const user = await signUp();
    const planted = {
      header: `wh-${crypto.randomUUID()}`,
      hmac: `hmac-${crypto.randomUUID()}`,
      stripe: `whsec_${crypto.randomUUID()}`,
      form: `gf-${crypto.randomUUID()}`,
    };
    const cases = [
      {
        type: "webhookTrigger",
        credential: ["webhookAuth", { header: "X-Token", value: planted.header }],
        parameters: { method: "POST", respond: "immediately", authentication: "credential" },
        headers: { "x-token": "wrong" },
      },
      {
        type: "webhookTrigger",
        credential: ["webhookAuth", { hmacSecret: planted.hmac }],
        parameters: { method: "POST", respond: "immediately", authentication: "credential" },
        headers: { "x-nodebase-signature": "sha256=" + "0".repeat(64) },
      },
      {
        type: "stripeTrigger",
        credential: ["stripeWebhook", { signingSecret: planted.stripe }],
        parameters: { events: [] },
        headers: { "stripe-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` },
      },
      {
        type: "googleFormTrigger",
        credential: ["googleForm", { secret: planted.form }],
        parameters: {},
        headers: { "x-nodebase-secret": "wrong" },
      },
    ] as const;
    const texts: string[] = [];
    for (const c of cases) {
      const credentialId = await credential(user, c.credential[0], c.credential[1]);
      const res = await user.fetch("/api/workflows", {
        method: "POST",
        json: doc(
          "Hook",
          [{ id: "h", type: c.type, name: "Hook", parameters: c.parameters, credentialId } as never],
          [],
        ),
      });
      expect(res.status).toBe(201);
      const saved = await res.json<{ nodes: { webhookId: string }[] }>();
      texts.push(JSON.stringify(saved));
      const answer = await call(`/webhooks-test/${saved.nodes[0].webhookId}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...c.headers },
        body: '{"id":"evt_1","type":"x.y"}',
      });
      expect([400, 401]).toContain(answer.status);
      texts.push(await answer.text());
    }
    expectNowhere(Object.values(planted), texts, await dumpDatabase());
  });
});

function rand(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase();
}
