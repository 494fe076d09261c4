/**
 * Issue 13, "no secret anywhere", for the credential types the integrations added: smtp, telegram,
 * postgres, githubWebhook, slackApi, githubApi, notionApi, airtableTokenApi, and the oauth2 tokens the Google nodes (googleSheets, gmail) use. Same method as security-secret-leaks.test.ts: plant the secrets, make the
 * node fail (a server refusing the login, a provider quoting the secret or the URL that holds it, an
 * unreachable host, a webhook delivery with a wrong signature) and search D1, the API answers, the live
 * room and the log for every planted value and its encodings.
 */
import { describe, expect, inject, it } from "vitest";
import { doc } from "./api-helpers-engine";
import { fakeSession } from "./fakes/fake-http";
import { call, signUp } from "./helpers";
import {
  captureLog,
  connectedOAuth2,
  credential,
  dumpDatabase,
  expectNowhere,
  failingRun,
} from "./secret-leaks";

const log = captureLog();
const postgresServer = inject("postgresServer");

/** A Google oauth2 credential's secrets, fresh per test, shaped like Google's. */
const googleTokens = () => ({
  clientSecret: `GOCSPX-${crypto.randomUUID()}`,
  accessToken: `ya29.${crypto.randomUUID().replaceAll("-", "")}`,
  refreshToken: `1//${crypto.randomUUID()}`,
});

describe("no planted secret of an integration credential survives a failure", { timeout: 60_000 }, () => {
  it("smtp: the server refuses the login, and an unreachable server", async () => {
    const user = await signUp();
    const smtp = inject("smtpServer");
    const password = `smtp-${crypto.randomUUID()}`;
    const texts: string[] = [];
    for (const port of [smtp.port, 9]) {
      const credentialId = await credential(user, "smtp", {
        host: smtp.host,
        port,
        security: "none",
        user: "mailer",
        password,
        from: "bot@nodebase.test",
      });
      const run = await failingRun(user, {
        type: "email",
        credentialId,
        parameters: { to: "ann@example.test", subject: "Hi", text: "Hello" },
      });
      if (port === smtp.port) expect(run.error).toMatch(/535|[Aa]uthentication/);
      texts.push(...run.texts);
    }
    // AUTH PLAIN and AUTH LOGIN send the password base64-encoded: neither form may surface.
    const encodings = [password, btoa(`\0mailer\0${password}`), btoa(password)];
    expectNowhere(log, encodings, texts, await dumpDatabase());
  });

  it("telegram: an API quoting the bot token and the URL that holds it", async () => {
    const user = await signUp();
    const botToken = `${Math.floor(Math.random() * 1e9)}:AAH-${crypto.randomUUID().replaceAll("-", "")}`;
    const fake = await fakeSession([
      {
        status: 401,
        body: { ok: false, error_code: 401, description: `Unauthorized {request.url} token ${botToken}` },
      },
    ]);
    const credentialId = await credential(user, "telegram", { botToken, baseUrl: fake.baseUrl });
    const run = await failingRun(user, {
      type: "telegram",
      credentialId,
      parameters: { chatId: 42, text: "hi" },
    });
    expect(run.error).toContain("Unauthorized");
    expect(run.error).toContain("token ***");
    const [request] = await fake.requests();
    expect(request.path).toBe(`/bot${botToken}/sendMessage`);
    expectNowhere(log, [botToken, encodeURIComponent(botToken)], run.texts, await dumpDatabase());
  });

  it("slackApi: the Web API quoting the bot token in its error", async () => {
    const user = await signUp();
    const botToken = `xoxb-${crypto.randomUUID().replaceAll("-", "")}`;
    const fake = await fakeSession([{ status: 200, body: { ok: false, error: `invalid_auth ${botToken}` } }]);
    const credentialId = await credential(user, "slackApi", { botToken, baseUrl: fake.baseUrl });
    const run = await failingRun(user, {
      type: "slackMessage",
      credentialId,
      parameters: { channel: "C0TEAM", text: "hi" },
    });
    expect(run.error).toContain('"message":"Slack answered 200: invalid_auth ***"');
    const [request] = await fake.requests();
    expect(request.headers.authorization).toBe(`Bearer ${botToken}`);
    expectNowhere(log, [botToken], run.texts, await dumpDatabase());
  });

  it("githubApi: the REST API quoting the token in its error", async () => {
    const user = await signUp();
    const token = `ghp_${crypto.randomUUID().replaceAll("-", "")}`;
    const fake = await fakeSession([{ status: 401, body: { message: `Bad credentials ${token}` } }]);
    const credentialId = await credential(user, "githubApi", { token, baseUrl: fake.baseUrl });
    const run = await failingRun(user, {
      type: "github",
      credentialId,
      parameters: { owner: "acme", repo: "app", title: "t" },
    });
    expect(run.error).toContain('"message":"GitHub answered 401: Bad credentials ***"');
    expectNowhere(log, [token], run.texts, await dumpDatabase());
  });

  it("oauth2 (google preset): the Sheets API quoting the access token in its error", async () => {
    const user = await signUp();
    const tokens = googleTokens();
    const fake = await fakeSession([
      {
        status: 403,
        body: {
          error: { code: 403, message: `token ${tokens.accessToken} refused`, status: "PERMISSION_DENIED" },
        },
      },
    ]);
    const credentialId = await connectedOAuth2(
      user,
      { preset: "google", clientId: "client-g", apiBaseUrl: fake.baseUrl },
      tokens,
    );
    const run = await failingRun(user, {
      type: "googleSheets",
      credentialId,
      parameters: { operation: "read", documentId: "abc123" },
    });
    expect(run.error).toContain('"message":"Google Sheets answered 403: token *** refused"');
    const [request] = await fake.requests();
    expect(request.path).toBe(
      "/v4/spreadsheets/abc123/values/'Sheet1'?majorDimension=ROWS&valueRenderOption=FORMATTED_VALUE",
    );
    expect(request.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expectNowhere(log, Object.values(tokens), run.texts, await dumpDatabase());
  });

  it("oauth2 (google preset): the Gmail API quoting the access token in its error", async () => {
    const user = await signUp();
    const tokens = googleTokens();
    const fake = await fakeSession([
      {
        status: 400,
        body: { error: { code: 400, message: `bad ${tokens.accessToken}`, status: "INVALID_ARGUMENT" } },
      },
    ]);
    const credentialId = await connectedOAuth2(
      user,
      { preset: "google", clientId: "client-g", apiBaseUrl: fake.baseUrl },
      tokens,
    );
    const run = await failingRun(user, {
      type: "gmail",
      credentialId,
      parameters: { to: "ann@example.test", subject: "Hi", body: "Hello" },
    });
    expect(run.error).toContain('"message":"Gmail answered 400: bad ***"');
    const [request] = await fake.requests();
    expect(request.path).toBe("/gmail/v1/users/me/messages/send");
    expect(request.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expectNowhere(log, Object.values(tokens), run.texts, await dumpDatabase());
  });

  it("notionApi: the API quoting the integration secret in its error", async () => {
    const user = await signUp();
    const apiKey = `ntn_${crypto.randomUUID().replaceAll("-", "")}`;
    const fake = await fakeSession([
      {
        status: 401,
        body: {
          object: "error",
          status: 401,
          code: "unauthorized",
          message: `API token ${apiKey} is invalid.`,
        },
      },
    ]);
    const credentialId = await credential(user, "notionApi", { apiKey, baseUrl: fake.baseUrl });
    const run = await failingRun(user, {
      type: "notion",
      credentialId,
      parameters: { operation: "getAll", databaseId: "2f1c0a6d9e8b4c3a8d7e1a2b3c4d5e6f" },
    });
    expect(run.error).toContain('"message":"Notion answered 401: API token *** is invalid."');
    const [request] = await fake.requests();
    expect(request.headers["notion-version"]).toBe("2022-06-28");
    expectNowhere(log, [apiKey], run.texts, await dumpDatabase());
  });

  it("airtableTokenApi: the API quoting the token in its error", async () => {
    const user = await signUp();
    const accessToken = `pat${crypto.randomUUID().replaceAll("-", "")}`;
    const fake = await fakeSession([
      { status: 401, body: { error: { type: "AUTHENTICATION_REQUIRED", message: `bad ${accessToken}` } } },
    ]);
    const credentialId = await credential(user, "airtableTokenApi", { accessToken, baseUrl: fake.baseUrl });
    const run = await failingRun(user, {
      type: "airtable",
      credentialId,
      parameters: { operation: "search", base: "appAbCdEfGh123456", table: "Leads" },
    });
    expect(run.error).toContain('"message":"Airtable answered 401: AUTHENTICATION_REQUIRED: bad ***"');
    expectNowhere(log, [accessToken], run.texts, await dumpDatabase());
  });

  it.skipIf(!postgresServer)("postgres: a wrong password, and an unreachable server", async () => {
    const user = await signUp();
    const password = `pg-${crypto.randomUUID()}`;
    const texts: string[] = [];
    for (const port of [postgresServer!.port, 9]) {
      const credentialId = await credential(user, "postgres", {
        ...postgresServer!,
        port,
        password,
        ssl: false,
      });
      const run = await failingRun(user, {
        type: "postgres",
        credentialId,
        parameters: { query: "SELECT 1", params: [] },
      });
      if (port === postgresServer!.port) expect(run.error).toContain("28P01");
      texts.push(...run.texts);
    }
    expectNowhere(log, [password], texts, await dumpDatabase());
  });

  it("githubWebhook: deliveries with a wrong, missing or malformed signature", async () => {
    const user = await signUp();
    const secret = `gh-${crypto.randomUUID()}`;
    const credentialId = await credential(user, "githubWebhook", { secret });
    const res = await user.fetch("/api/workflows", {
      method: "POST",
      json: doc(
        "GitHub",
        [
          {
            id: "gh",
            type: "githubTrigger",
            name: "GitHub",
            parameters: { events: ["push"] },
            credentialId,
          } as never,
        ],
        [],
      ),
    });
    expect(res.status).toBe(201);
    const saved = await res.json<{ nodes: { webhookId: string }[] }>();
    const texts = [JSON.stringify(saved)];
    for (const signature of [`sha256=${"0".repeat(64)}`, undefined, "sha1=abc"]) {
      for (const prefix of ["/webhooks-test/", "/webhooks/"]) {
        const answer = await call(`${prefix}${saved.nodes[0].webhookId}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "push",
            "x-github-delivery": crypto.randomUUID(),
            ...(signature && { "x-hub-signature-256": signature }),
          },
          body: '{"ref":"refs/heads/main"}',
        });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        texts.push(await answer.text());
      }
    }
    const list = await (await user.fetch("/api/executions")).json<{ items: unknown[] }>();
    expect(list.items).toEqual([]);
    expectNowhere(log, [secret], texts, await dumpDatabase());
  });
});
