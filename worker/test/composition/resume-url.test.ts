/** `$resumeUrl("event")` and `/webhooks/resume/<token>`: the approval pattern, single use, 404s. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createWorkflow,
  doc,
  getExecution,
  runWorkflow,
  waitFor,
  type ExecutionBody,
} from "../api-helpers-engine";
import { call, signUp } from "../helpers";

/** Builds approve/reject links, waits for "decision", then branches on the answer. */
const approval = doc(
  "Approval",
  [
    { id: "t", type: "manualTrigger", name: "Start" },
    {
      id: "links",
      type: "set",
      name: "Links",
      parameters: {
        fields: {
          approve: '{{ $resumeUrl("decision") & "?answer=approve" }}',
          reject: '{{ $resumeUrl("decision") & "?answer=reject" }}',
          other: '{{ $resumeUrl("other") }}',
        },
      },
    },
    {
      id: "wait",
      type: "waitForEvent",
      name: "Decision",
      parameters: { event: "decision", timeoutSeconds: 600 },
    },
    {
      id: "check",
      type: "if",
      name: "Approved?",
      parameters: { condition: '{{ $json.answer = "approve" }}' },
    },
    { id: "yes", type: "set", name: "Yes", parameters: { fields: { approved: true } } },
    { id: "no", type: "set", name: "No", parameters: { fields: { approved: false } } },
  ],
  [
    ["t", "links"],
    ["links", "wait"],
    ["wait", "check"],
    ["check", "yes", "true"],
    ["check", "no", "false"],
  ],
);

const waiting = (e: ExecutionBody) => e.steps.some((s) => s.nodeId === "wait" && s.status === "waiting");

async function startApproval() {
  const user = await signUp();
  const workflowId = await createWorkflow(user, approval);
  const run = await waitFor(user, await runWorkflow(user, workflowId, {}), waiting);
  const links = run.steps.find((s) => s.nodeId === "links")!.output as Record<string, string>;
  return { user, run, links };
}

const pathOf = (url: string) => url.replace("http://local.test", "");

async function expectGone(res: Response) {
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({
    error: { code: "not_found", message: expect.stringContaining("resume link") },
  });
}

async function usedTokens(executionId: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM resume_token_use WHERE execution_id = ?")
    .bind(executionId)
    .first<{ n: number }>();
  return row!.n;
}

describe("resume URLs", () => {
  it("a clicked link resumes the run with no API key, once; the other link is then dead", async () => {
    const { user, run, links } = await startApproval();
    expect(links.approve).toMatch(/^http:\/\/local\.test\/webhooks\/resume\/[^/?]+\?answer=approve$/);
    // One URL per execution and event: both links carry the same token.
    expect(links.reject.split("?")[0]).toBe(links.approve.split("?")[0]);

    const res = await call(pathOf(links.approve));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ executionId: run.id, event: "decision", received: true });
    const done = await waitFor(user, run.id);
    expect(done.status).toBe("success");
    expect(done.steps.find((s) => s.nodeId === "wait")!.output).toEqual({ answer: "approve" });
    expect(done.steps.find((s) => s.nodeId === "yes")!.status).toBe("success");
    expect(done.steps.find((s) => s.nodeId === "no")!.status).toBe("skipped");

    await expectGone(await call(pathOf(links.approve)));
    await expectGone(await call(pathOf(links.reject), { method: "POST", json: { answer: "reject" } }));
    // The run ended: an unused link of it is dead too, and claims nothing.
    await expectGone(await call(pathOf(links.other), { method: "POST", json: {} }));
    expect(await usedTokens(run.id)).toBe(1);
  });

  it("POST delivers its JSON body as the payload", async () => {
    const { user, run, links } = await startApproval();
    const res = await call(pathOf(links.reject.split("?")[0]), {
      method: "POST",
      json: { answer: "reject", by: "ann" },
    });
    expect(res.status).toBe(200);
    const done = await waitFor(user, run.id);
    expect(done.steps.find((s) => s.nodeId === "wait")!.output).toEqual({ answer: "reject", by: "ann" });
    expect(done.steps.find((s) => s.nodeId === "no")!.status).toBe("success");
  });

  it("tampered tokens and a bad body answer without changing anything", async () => {
    const { user, run, links } = await startApproval();
    const token = pathOf(links.approve).split("?")[0].replace("/webhooks/resume/", "");
    const [id, event, signature] = token.split(".");
    // Flip the first character: the last one of a base64url signature carries padding bits, so changing
    // it can decode to the same bytes (a still-valid token, and a test that fails at random).
    const flipped = (signature.startsWith("A") ? "B" : "A") + signature.slice(1);
    for (const bad of [
      `${id}.${event}.${flipped}`,
      `${crypto.randomUUID()}.${event}.${signature}`,
      "nonsense",
    ]) {
      await expectGone(await call(`/webhooks/resume/${bad}`, { method: "POST", json: {} }));
    }
    const malformed = await call(`/webhooks/resume/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(malformed.status).toBe(400);
    expect(await usedTokens(run.id)).toBe(0);
    expect((await getExecution(user, run.id)).status).not.toMatch(/success|error|canceled/);
    // The real link still works after all that.
    expect((await call(pathOf(links.approve))).status).toBe(200);
    expect((await waitFor(user, run.id)).status).toBe("success");
  });
});
