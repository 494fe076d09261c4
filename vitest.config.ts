import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { kCurrentWorker } from "miniflare";
import { defineConfig } from "vitest/config";
import { testCertificates } from "./worker/test/tls/test-certificates";

/** A test CA, trusted by workerd below, for the TLS tests' local servers (null without openssl). */
const tls = testCertificates();

/**
 * Three projects: `worker` runs inside workerd (unit tests beside the code, scenario tests in worker/test),
 * `web` runs the SPA's pure modules in Node, `browser` runs in Node and drives Debian's chromium against `wrangler dev` (web/test).
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            // worker/src/index.ts plus the code runner's entrypoint, which CODE_RUNNER below calls.
            main: "./worker/test/worker-main.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                NODEBASE_ENV: "development",
                AUTH_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
                CREDENTIAL_KEYS: "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
              },
              // wrangler.toml binds CODE_RUNNER to the nodebase-code-runner Worker, which tests do not start:
              // here it is the same entrypoint served by the test Worker itself, so code nodes still go
              // through a real service binding (RPC, structured clone), only not onto another thread.
              serviceBindings: { CODE_RUNNER: { name: kCurrentWorker, entrypoint: "CodeRunner" } },
              // miniflare's own outbound network (public and private addresses, the public CAs) plus the
              // test CA, so the SMTP and PostgreSQL TLS paths run against local servers, verified.
              ...(tls && {
                outboundService: {
                  network: {
                    allow: ["public", "private", "240.0.0.0/4"],
                    deny: [],
                    tlsOptions: { trustBrowserCas: true, trustedCertificates: [tls.caPem] },
                  },
                },
              }),
            },
          })),
        ],
        test: {
          name: "worker",
          // A guard against hangs, not a timing check: scenario tests run whole workflows in workerd, and on
          // a loaded 2-core machine some take longer than vitest's default 5 s.
          testTimeout: 30_000,
          include: ["worker/**/*.test.ts"],
          setupFiles: ["./worker/test/setup.ts"],
          // Node-side servers the workerd tests call by URL: an echo server (inject("echoServerUrl")), a fake
          // OAuth2 provider (inject("oauthProviderUrl")), fakes of AI and chat providers (inject("fakeHttpUrl")),
          // a Telegram-shaped Bot API (inject("telegramUrl")),
          // a real SMTP server (inject("smtpServer")),
          // a throw-away PostgreSQL cluster (inject("postgresServer"), null when the binaries are missing),
          // a feed publisher that answers conditional GETs (inject("feedServerUrl")),
          // Slack's Web API chat.postMessage (inject("slackApiUrl")), GitHub's issues API (inject("githubApiUrl")),
          // Google's Sheets and Gmail APIs (inject("googleApiUrl")), Notion's API (inject("notionApiUrl")),
          // Airtable's records API (inject("airtableApiUrl")).
          globalSetup: [
            "./worker/test/echo-server.global.ts",
            "./worker/test/fakes/oauth-provider.global.ts",
            "./worker/test/fakes/fake-http.global.ts",
            "./worker/test/fakes/telegram.global.ts",
            "./worker/test/fakes/smtp.global.ts",
            "./worker/test/fakes/postgres.global.ts",
            "./worker/test/fakes/feed-server.global.ts",
            "./worker/test/fakes/slack-api.global.ts",
            "./worker/test/fakes/github-api.global.ts",
            "./worker/test/fakes/google-api.global.ts",
            "./worker/test/fakes/notion-api.global.ts",
            "./worker/test/fakes/airtable-api.global.ts",
          ],
        },
      },
      {
        // Pure modules of the SPA (form generator, handles, history, documents): fast, no browser.
        test: {
          name: "web",
          // …and the dev scripts' pure helpers (scripts/lib).
          include: ["web/src/**/*.test.ts", "scripts/lib/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "browser",
          include: ["web/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // Reads of the page are polled (\`expect.poll\`) because the SPA may still be rendering what the last
          // action caused; as long as playwright's own 30 s wait for an element, so a slow CI machine only waits.
          expect: { poll: { timeout: 30_000, interval: 100 } },
          globalSetup: ["./web/test/global-setup.ts"],
        },
      },
    ],
  },
});
