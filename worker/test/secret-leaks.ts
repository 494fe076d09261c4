/**
 * Shared by the secret-leak tests (issue 13): plant a credential, make a node fail, and collect everything
 * a person or an operator could see (D1, API answers, live-room messages, the log) to search it.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, vi } from "vitest";
import { keyringFromEnv } from "../src/credentials/cipher";
import { sealSecrets } from "../src/credentials/vault";
import { getCredentialById, saveRefreshedCredential } from "../src/storage/credentials";
import { getDb } from "../src/storage/db";
import { createWorkflow, doc, runWorkflow, waitFor } from "./api-helpers-engine";
import type { FakeResponse } from "./fakes/fake-http";
import type { TestUser } from "./helpers";

export const once = { maxAttempts: 1, backoff: "constant", delayMs: 0 } as const;

/** Captures every console line of the test (the Worker's log, in vitest-pool-workers) into `lines`. */
export function captureLog(): { lines: string[] } {
  const log = { lines: [] as string[] };
  beforeEach(() => {
    log.lines = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        log.lines.push(
          args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : safeText(a))).join(" "),
        );
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());
  return log;
}

function safeText(value: unknown): string {
  try {
    return typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export async function credential(user: TestUser, type: string, data: Record<string, unknown>) {
  const res = await user.fetch("/api/credentials", { method: "POST", json: { name: type, type, data } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

/**
 * An `oauth2` credential as if Connect had run a minute ago: tokens stored encrypted, the access token
 * valid for another hour (so a step uses it without a refresh).
 */
export async function connectedOAuth2(
  user: TestUser,
  data: Record<string, unknown>,
  tokens: { clientSecret: string; accessToken: string; refreshToken: string },
): Promise<string> {
  const id = await credential(user, "oauth2", { ...data, clientSecret: tokens.clientSecret });
  const db = getDb(env.DB);
  const row = (await getCredentialById(db, id))!;
  const sealed = await sealSecrets(await keyringFromEnv(env), row, { ...tokens, tokenType: "Bearer" });
  const connection = {
    connectedAt: new Date(Date.now() - 60_000).toISOString(),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  };
  await saveRefreshedCredential(db, id, { publicData: { ...row.publicData, connection }, ...sealed });
  return id;
}

/** Every row of every table, as text. */
export async function dumpDatabase(): Promise<string> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  const dumps: string[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    dumps.push(`${name}: ${JSON.stringify(rows.results)}`);
  }
  return dumps.join("\n");
}

/** Runs manualTrigger → `node` (one attempt) and returns everything a person or an operator could see. */
export async function failingRun(user: TestUser, node: Record<string, unknown>) {
  const workflowId = await createWorkflow(
    user,
    doc(
      "Leak check",
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "n", name: "Node", retry: once, ...node } as never,
      ],
      [["t", "n"]],
    ),
  );
  const executionId = await runWorkflow(user, workflowId);
  const live = await user.fetch(`/api/executions/${executionId}/live`, { headers: { Upgrade: "websocket" } });
  expect(live.status).toBe(101);
  const messages: string[] = [];
  live.webSocket!.addEventListener("message", (e) => messages.push(String(e.data)));
  live.webSocket!.accept();
  const execution = await waitFor(user, executionId);
  expect(execution.status).toBe("error");
  // A late joiner's snapshot as well as what the early socket saw.
  const late = await user.fetch(`/api/executions/${executionId}/live`, { headers: { Upgrade: "websocket" } });
  late.webSocket!.addEventListener("message", (e) => messages.push(String(e.data)));
  late.webSocket!.accept();
  const deadline = Date.now() + 10_000;
  while (!messages.some((m) => m.includes('"error"')) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  live.webSocket!.close(1000);
  late.webSocket!.close(1000);
  const api = await (await user.fetch(`/api/executions/${executionId}`)).text();
  const list = await (await user.fetch(`/api/executions?workflowId=${workflowId}`)).text();
  return {
    error: JSON.stringify(execution.error) + JSON.stringify(execution.steps),
    texts: [api, list, ...messages],
  };
}

export function expectNowhere(
  log: { lines: string[] },
  secrets: string[],
  texts: string[],
  database: string,
) {
  for (const secret of secrets) {
    for (const text of texts) expect(text, `a text holds "${secret}"`).not.toContain(secret);
    expect(database, `D1 holds "${secret}"`).not.toContain(secret);
    for (const line of log.lines) expect(line, `the log holds "${secret}"`).not.toContain(secret);
  }
}

/** A provider that answers `status` with a body quoting `quote` (the secret, or part of it). */
export const quoting = (status: number, quote: string): FakeResponse[] => [
  { status, body: { error: { message: `refused ${quote} (was: ${quote})` } } },
];
