/**
 * Credentials at run time, through the public API: httpRequest sends the credential, while the execution
 * record, the API answers and every D1 table hold no secret in plaintext.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { createWorkflow, doc, runWorkflow, stepOf, waitFor } from "./api-helpers-engine";
import { call, signUp, type TestUser } from "./helpers";

const echo = inject("echoServerUrl");
const provider = inject("oauthProviderUrl");

async function credential(user: TestUser, type: string, data: Record<string, unknown>) {
  const res = await user.fetch("/api/credentials", { method: "POST", json: { name: type, type, data } });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

/** manualTrigger → httpRequest (with the credential) → set copying what the request saw. */
function callingWorkflow(url: string, credentialId: string, extra: Record<string, unknown> = {}) {
  const d = doc(
    "Calls with a credential",
    [
      { id: "t", type: "manualTrigger", name: "Start" },
      {
        id: "h",
        type: "httpRequest",
        name: "Call",
        parameters: { method: "GET", url },
        retry: { maxAttempts: 1, backoff: "constant", delayMs: 0 },
        ...extra,
      },
      { id: "s", type: "set", name: "Seen", parameters: { fields: { seen: "{{ $json.body.headers }}" } } },
    ],
    [
      ["t", "h"],
      ["h", "s"],
    ],
  );
  (d.nodes[1] as Record<string, unknown>).credentialId = credentialId;
  return d;
}

/** Every row of every table, as text: what a copy of the database file would reveal. */
async function dumpDatabase(): Promise<string> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  expect(tables.results.map((t) => t.name)).toEqual(expect.arrayContaining(["credential", "execution_step"]));
  const dumps: string[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    dumps.push(`${name}: ${JSON.stringify(rows.results)}`);
  }
  return dumps.join("\n");
}

describe("credentials at run time", () => {
  it("sends bearer, basic and header credentials, and records none of them", async () => {
    const user = await signUp();
    const secrets = {
      bearer: "bearer-secret-8f2a9c1d",
      password: "basic-password-77e1b0",
      header: "header-secret-31c5aa90",
    };
    const runs = [
      {
        id: await credential(user, "httpBearerAuth", { token: secrets.bearer }),
        expect: { authorization: "Bearer ***" },
      },
      {
        id: await credential(user, "httpBasicAuth", { user: "alice", password: secrets.password }),
        expect: { authorization: "Basic ***" },
      },
      {
        id: await credential(user, "httpHeaderAuth", { name: "X-Api-Key", value: secrets.header }),
        expect: { "x-api-key": "***" },
      },
    ];
    const texts: string[] = [];
    for (const run of runs) {
      const workflowId = await createWorkflow(user, callingWorkflow(`${echo}/anything`, run.id));
      const execution = await waitFor(user, await runWorkflow(user, workflowId, { n: 1 }));
      expect(execution.status, JSON.stringify(execution.error)).toBe("success");
      // The echo server received the exact secret: masking replaced precisely it.
      expect((stepOf(execution, "h")!.output as any).body.headers).toMatchObject(run.expect);
      // The next node's input is the masked output: secrets do not flow on through step results.
      expect((stepOf(execution, "s")!.output as any).seen).toMatchObject(run.expect);
      texts.push(JSON.stringify(execution));
      texts.push(await (await user.fetch(`/api/executions?workflowId=${workflowId}`)).text());
    }
    const basicHeader = btoa(`alice:${secrets.password}`);
    const database = await dumpDatabase();
    for (const secret of [...Object.values(secrets), basicHeader]) {
      for (const text of texts) expect(text).not.toContain(secret);
      expect(database).not.toContain(secret);
    }
  });

  it("masks a secret that a failing server quotes back in the node's error", async () => {
    const user = await signUp();
    const token = "quoted-back-token-5d1e";
    const id = await credential(user, "httpBearerAuth", { token });
    const workflowId = await createWorkflow(user, callingWorkflow(`${provider}/echo-401`, id));
    const execution = await waitFor(user, await runWorkflow(user, workflowId));
    expect(execution.status).toBe("error");
    const error = stepOf(execution, "h")!.error!.message;
    expect(error).toContain("HTTP 401");
    expect(error).toContain("Bearer ***");
    expect(JSON.stringify(execution)).not.toContain(token);
    expect(await dumpDatabase()).not.toContain(token);
  });

  it("uses a connected OAuth2 credential's access token", async () => {
    const user = await signUp();
    const clientId = `client-${crypto.randomUUID()}`;
    const id = await credential(user, "oauth2", {
      clientId,
      clientSecret: `secret-of-${clientId}`,
      authUrl: `${provider}/authorize`,
      tokenUrl: `${provider}/token`,
    });
    const connect = await call(`/api/integrations/oauth2/${id}/connect`, {
      headers: { cookie: user.cookie },
      redirect: "manual",
    });
    const back = await fetch(connect.headers.get("location")!, { redirect: "manual" });
    const done = new URL(back.headers.get("location")!);
    await call(done.pathname + done.search, { headers: { cookie: user.cookie }, redirect: "manual" });
    const stats = await (await fetch(`${provider}/__stats?client_id=${clientId}`)).json<any>();

    const workflowId = await createWorkflow(user, callingWorkflow(`${provider}/resource`, id));
    const execution = await waitFor(user, await runWorkflow(user, workflowId));
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    expect(stepOf(execution, "h")!.output).toMatchObject({
      status: 200,
      body: { ok: true, client: clientId },
    });
    const database = await dumpDatabase();
    for (const secret of [...stats.accessTokens, `secret-of-${clientId}`]) {
      expect(JSON.stringify(execution)).not.toContain(secret);
      expect(database).not.toContain(secret);
    }
  });

  it("fails the node at once when its credential is gone", async () => {
    const user = await signUp();
    const id = await credential(user, "httpBearerAuth", { token: "soon-deleted-token" });
    const d = callingWorkflow(`${echo}/anything`, id, {
      retry: { maxAttempts: 3, backoff: "constant", delayMs: 0 },
    });
    const workflowId = await createWorkflow(user, d);
    // Forced delete while the saved version still names it.
    expect((await user.fetch(`/api/credentials/${id}?force=true`, { method: "DELETE" })).status).toBe(204);
    const execution = await waitFor(user, await runWorkflow(user, workflowId));
    expect(execution.status).toBe("error");
    const step = stepOf(execution, "h")!;
    expect(step.attempts).toBe(1);
    expect(step.error!.message).toBe(`Node "Call": Credential ${id} not found`);
  });
});
