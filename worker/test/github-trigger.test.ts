/**
 * GitHub trigger end to end: a workflow and its githubWebhook credential made through the API, signed
 * deliveries posted to /webhooks/<webhookId> the way GitHub sends them, real runs by the engine.
 */
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../src/triggers/signatures";
import { finished } from "./engine-fixtures";
import { call, signUp } from "./helpers";
import { createCredential, createWorkflow, webhookIdOf } from "./trigger-scenarios";

const secret = "gh-webhook-secret-1";

/** A delivery as GitHub sends it: JSON body, event and delivery headers, HMAC-SHA256 of the raw body. */
async function deliver(
  url: string,
  event: string,
  delivery: string,
  payload: unknown,
  opts: { secret?: string; signature?: string | null; form?: boolean } = {},
) {
  const body = opts.form
    ? new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
    : JSON.stringify(payload);
  const signature = `sha256=${await hmacSha256Hex(opts.secret ?? secret, body)}`;
  return call(url, {
    method: "POST",
    body,
    headers: {
      "content-type": opts.form ? "application/x-www-form-urlencoded" : "application/json",
      "user-agent": "GitHub-Hookshot/abc123",
      "x-github-event": event,
      "x-github-delivery": delivery,
      ...(opts.signature !== null && { "x-hub-signature-256": opts.signature ?? signature }),
    },
  });
}

async function githubWorkflow(events: string[]) {
  const user = await signUp();
  const credentialId = await createCredential(user, "githubWebhook", { secret });
  const wf = await createWorkflow(user, [
    { id: "gh", type: "githubTrigger", name: "GitHub", parameters: { events }, credentialId },
    {
      id: "who",
      type: "set",
      name: "Who",
      parameters: { fields: { pusher: "{{ $json.payload.pusher.name }}" } },
    },
  ]);
  const executions = async () =>
    ((await (await user.fetch(`/api/executions?workflowId=${wf.id}`)).json()) as { items: unknown[] }).items;
  return { user, wf, url: `/webhooks/${webhookIdOf(wf, "gh")}`, executions };
}

describe("GitHub trigger, end to end", () => {
  it("runs a verified push with { event, delivery, payload }", async () => {
    const { url, executions } = await githubWorkflow(["push"]);
    const payload = { ref: "refs/heads/main", pusher: { name: "octocat" }, commits: [{ id: "c1" }] };
    const res = await deliver(url, "push", "d-1001", payload);
    expect(res.status).toBe(202);
    const { execution, steps } = await finished(((await res.json()) as { executionId: string }).executionId);
    expect(execution).toMatchObject({ status: "success", mode: "github" });
    expect(steps.gh.output).toEqual({ event: "push", delivery: "d-1001", payload });
    expect(steps.who.output).toEqual({ pusher: "octocat" });
    expect(await executions()).toHaveLength(1);
  });

  it("refuses a bad or missing signature with 401 and starts nothing", async () => {
    const { url, executions } = await githubWorkflow(["push"]);
    const forged = await deliver(url, "push", "d-2001", { ref: "x" }, { secret: "not-the-secret" });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "invalid_signature" } });
    expect((await deliver(url, "push", "d-2002", { ref: "x" }, { signature: null })).status).toBe(401);
    expect((await deliver(url, "push", "d-2003", { ref: "x" }, { signature: "sha256=zz" })).status).toBe(401);
    expect(await executions()).toHaveLength(0);
  });

  it("answers ping and unlisted events 200 without a run; '*' takes every event but ping", async () => {
    const listed = await githubWorkflow(["issues"]);
    const ping = await deliver(listed.url, "ping", "d-3001", {
      zen: "Keep it logically awesome.",
      hook_id: 1,
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ received: true, started: false, reason: "event ping is not listed" });
    expect((await deliver(listed.url, "push", "d-3002", { ref: "x" })).status).toBe(200);
    expect(await listed.executions()).toHaveLength(0);

    const every = await githubWorkflow(["*"]);
    expect((await deliver(every.url, "ping", "d-3003", { zen: "z" })).status).toBe(200);
    const issue = await deliver(every.url, "issues", "d-3004", { action: "opened" });
    expect(issue.status).toBe(202);
    expect(await every.executions()).toHaveLength(1);
  });

  it("a redelivery of one X-GitHub-Delivery starts nothing; a new delivery does", async () => {
    const { url, executions } = await githubWorkflow(["push"]);
    const payload = { ref: "refs/heads/main", pusher: { name: "octocat" } };
    expect((await deliver(url, "push", "d-4001", payload)).status).toBe(202);
    const again = await deliver(url, "push", "d-4001", payload);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ started: false, reason: "event already received" });
    expect((await deliver(url, "push", "d-4002", payload)).status).toBe(202);
    expect(await executions()).toHaveLength(2);
  });

  it("reads a form-encoded delivery (content type application/x-www-form-urlencoded)", async () => {
    const { url } = await githubWorkflow(["push"]);
    const payload = { ref: "refs/heads/dev", pusher: { name: "hubot" } };
    const res = await deliver(url, "push", "d-5001", payload, { form: true });
    expect(res.status).toBe(202);
    const { steps } = await finished(((await res.json()) as { executionId: string }).executionId);
    expect(steps.gh.output).toMatchObject({ event: "push", payload });
  });

  it("refuses to save a githubTrigger whose credential is of another type (422)", async () => {
    const user = await signUp();
    const wrong = await createCredential(user, "stripeWebhook", { signingSecret: "whsec_x" });
    const res = await user.fetch("/api/workflows", {
      method: "POST",
      json: {
        name: "GitHub with a Stripe secret",
        nodes: [
          {
            id: "gh",
            type: "githubTrigger",
            name: "GitHub",
            position: { x: 0, y: 0 },
            parameters: { events: ["push"] },
            credentialId: wrong,
          },
        ],
        edges: [],
      },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("githubWebhook");
  });
});
