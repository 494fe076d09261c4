/**
 * `respondToWebhook` with a webhook trigger on `respond: "responseNode"`, through the real Worker: the
 * caller gets the node's status, headers and body the moment it runs while the run goes on (proved with
 * a waitForEvent after it: the answer arrives while the run waits, the node after the wait runs once the
 * event comes), the first of two wins, a run that ends or fails without one answers as `lastNode`, fast
 * mode, the test URL, manual runs (nobody waits: it passes through), save-time refusals and the security
 * headers of answers built from run data.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RUN_DATA_CSP } from "../../src/http/webhook-answers";
import { finished, stepsById } from "../engine-fixtures";
import { call, signUp, type TestUser } from "../helpers";
import { webhookIdOf, type SavedNode } from "../trigger-scenarios";

type Node = { id: string; type: string; name: string; parameters?: Record<string, unknown> };
type Edge = { source: string; target: string; sourceHandle?: string };

const hook = (respond = "responseNode"): Node => ({
  id: "hook",
  type: "webhookTrigger",
  name: "Webhook",
  parameters: { method: "POST", respond },
});

const responder = (id: string, name: string, parameters: Record<string, unknown>): Node => ({
  id,
  type: "respondToWebhook",
  name,
  parameters,
});

const after: Node = {
  id: "after",
  type: "set",
  name: "After",
  parameters: { fields: { afterwards: "{{ $trigger.body.n + 1 }}" } },
};

const chain = (...ids: string[]): Edge[] => ids.slice(1).map((id, i) => ({ source: ids[i], target: id }));

async function save(user: TestUser, nodes: Node[], edges: Edge[], settings: Record<string, unknown> = {}) {
  const res = await user.fetch("/api/workflows", {
    method: "POST",
    json: {
      name: "Respond",
      settings,
      nodes: nodes.map((n, i) => ({ parameters: {}, position: { x: i * 240, y: 0 }, ...n })),
      edges: edges.map((e, i) => ({ id: `e${i}`, sourceHandle: "main", ...e })),
    },
  });
  return { res, body: (await res.json()) as { id: string; nodes: SavedNode[] } & Record<string, any> };
}

async function activeHook(user: TestUser, nodes: Node[], edges: Edge[], settings?: Record<string, unknown>) {
  const { res, body } = await save(user, nodes, edges, settings);
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect((await user.fetch(`/api/workflows/${body.id}/activate`, { method: "POST" })).status).toBe(200);
  return { id: body.id, url: `/webhooks/${webhookIdOf(body, "hook")}` };
}

function expectRunDataHeaders(res: Response) {
  expect(res.headers.get("content-security-policy")).toBe(RUN_DATA_CSP);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
}

describe("respondToWebhook: the answer leaves when the node runs", () => {
  it("answers with the node's status, headers and body while the run waits, and the run goes on", async () => {
    const user = await signUp();
    const wf = await activeHook(
      user,
      [
        hook(),
        responder("reply", "Reply", {
          status: "{{ $json.body.n > 1 ? 201 : 200 }}",
          headers: { "X-Order": "{{ $json.body.n }}", "Access-Control-Allow-Origin": "*" },
          body: { received: "{{ $json.body.n }}", executionId: "{{ $execution.id }}" },
        }),
        { id: "gate", type: "waitForEvent", name: "Gate", parameters: { event: "go" } },
        after,
      ],
      chain("hook", "reply", "gate", "after"),
    );
    const res = await call(wf.url, { method: "POST", json: { n: 7 } });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-order")).toBe("7");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("content-type")).toBe("application/json");
    expectRunDataHeaders(res);
    const body = (await res.json()) as { received: number; executionId: string };
    expect(body.received).toBe(7);

    // The caller has its answer and the run has not ended: it waits for "go", the node after it not run.
    const early = await stepsById(body.executionId);
    expect(early.reply.status).toBe("success");
    expect(early.reply.output).toMatchObject({ body: { n: 7 } });
    expect(early.reply.logs).toEqual([
      { level: "info", message: expect.stringMatching(/^Answered the webhook call: status 201/) },
    ]);
    expect(early.after).toBeUndefined();

    const sent = await user.fetch(`/api/executions/${body.executionId}/events/go`, {
      method: "POST",
      json: {},
    });
    expect(sent.status).toBeLessThan(300);
    const { execution, steps } = await finished(body.executionId);
    expect(execution.status).toBe("success");
    expect(steps.after.status).toBe("success");
    expect(steps.after.output).toEqual({ afterwards: 8 });
  });

  it("only the first of two respondToWebhook nodes answers; the second passes through and says so", async () => {
    const user = await signUp();
    const wf = await activeHook(
      user,
      [
        hook(),
        responder("first", "First", { status: 201, body: "first" }),
        responder("second", "Second", { status: 202, body: "second" }),
        after,
      ],
      chain("hook", "first", "second", "after"),
    );
    const res = await call(wf.url, { method: "POST", json: { n: 1 } });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe("first");
    const [execution] = await executionsOf(user, wf.id);
    const { steps } = await finished(execution.id);
    expect(steps.second.status).toBe("success");
    expect(steps.second.logs![0].message).toMatch(
      /^Did not answer, the webhook call was already answered by node "First"\. Would have answered: status 202/,
    );
    expect(steps.after.output).toEqual({ afterwards: 2 });
  });

  it("inside a forEach body: the first element's answer goes out, the other elements pass through", async () => {
    const user = await signUp();
    const wf = await activeHook(
      user,
      [
        hook(),
        {
          id: "each",
          type: "forEach",
          name: "Each",
          parameters: { items: "{{ $json.body.rows }}", concurrency: 1 },
        },
        responder("reply", "Reply", {
          status: 201,
          body: { first: "{{ $item.value }}", index: "{{ $item.index }}" },
        }),
      ],
      [
        { source: "hook", target: "each" },
        { source: "each", target: "reply", sourceHandle: "item" },
      ],
    );
    const res = await call(wf.url, { method: "POST", json: { rows: ["a", "b", "c"] } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ first: "a", index: 0 });
    const [execution] = await executionsOf(user, wf.id);
    const done = await finished(execution.id);
    expect(done.execution.status).toBe("success");
    expect(done.steps.each.output).toMatchObject({ count: 3, failed: 0 });
  });

  it("a run that ends without reaching one answers as lastNode would", async () => {
    const user = await signUp();
    const wf = await activeHook(
      user,
      [
        hook(),
        {
          id: "check",
          type: "if",
          name: "Check",
          parameters: { condition: "{{ $json.body.n > 10 }}" },
        },
        responder("reply", "Reply", { status: 201 }),
        after,
      ],
      [
        { source: "hook", target: "check" },
        { source: "check", target: "reply", sourceHandle: "true" },
        { source: "check", target: "after", sourceHandle: "false" },
      ],
    );
    const res = await call(wf.url, { method: "POST", json: { n: 3 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ afterwards: 4 });
    expectRunDataHeaders(res);
  });

  it("a run that fails before one runs answers 500 with the failure, as lastNode does", async () => {
    const user = await signUp();
    const wf = await activeHook(
      user,
      [
        hook(),
        {
          id: "stop",
          type: "stopAndError",
          name: "Stop",
          parameters: { message: "n is {{ $json.body.n }}" },
        },
        responder("reply", "Reply", { status: 201 }),
      ],
      chain("hook", "stop", "reply"),
    );
    const res = await call(wf.url, { method: "POST", json: { n: 5 } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string; details: any } };
    expect(body.error).toMatchObject({
      code: "execution_failed",
      message: "n is 5",
      details: { nodeId: "stop" },
    });
    // Nothing starts after a failure: the respond node never ran.
    const { steps } = await finished(body.error.details.executionId);
    expect(steps.stop.status).toBe("error");
    expect(steps.reply).toBeUndefined();
  });

  it("fast mode: the answer comes in-process, the run goes on, no Workflow instance", async () => {
    const user = await signUp();
    const wf = await activeHook(
      user,
      [hook(), responder("reply", "Reply", { status: 202, body: { n: "{{ $json.body.n }}" } }), after],
      chain("hook", "reply", "after"),
      { executionMode: "fast" },
    );
    const res = await call(wf.url, { method: "POST", json: { n: 41 } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ n: 41 });
    expectRunDataHeaders(res);
    const [execution] = await executionsOf(user, wf.id);
    const { steps } = await finished(execution.id);
    expect(steps.reply.logs![0].message).toMatch(/^Answered the webhook call: status 202/);
    expect(steps.after.output).toEqual({ afterwards: 42 });
    await expect(env.RUN_WORKFLOW.get(execution.id)).rejects.toThrow();
  });

  it("the test URL of an inactive workflow answers from the node too", async () => {
    const user = await signUp();
    const { res: saved, body } = await save(
      user,
      [hook(), responder("reply", "Reply", { status: 201, body: "draft" })],
      chain("hook", "reply"),
    );
    expect(saved.status).toBe(201);
    const res = await call(`/webhooks-test/${webhookIdOf(body, "hook")}`, { method: "POST", json: {} });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("draft");
  });

  it("an HTML answer is sandboxed: it cannot run script or read the app's cookies", async () => {
    const user = await signUp();
    const wf = await activeHook(
      user,
      [
        hook(),
        responder("reply", "Reply", {
          headers: { "Content-Type": "text/html; charset=utf-8" },
          body: "<script>fetch('/api/credentials')</script>",
        }),
      ],
      chain("hook", "reply"),
    );
    const res = await call(wf.url, { method: "POST", json: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expectRunDataHeaders(res);
    expect(res.headers.get("content-security-policy")).toMatch(/^sandbox;/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("respondToWebhook: runs nobody waits for, and what is refused at save", () => {
  it("in a manual run (Run with sample data) it passes its input through and records what it would have answered", async () => {
    const user = await signUp();
    const { res: saved, body } = await save(
      user,
      [hook(), responder("reply", "Reply", { status: 201, body: "hi" }), after],
      chain("hook", "reply", "after"),
    );
    expect(saved.status).toBe(201);
    const res = await user.fetch(`/api/workflows/${body.id}/run?trigger=hook`, {
      method: "POST",
      json: { method: "POST", headers: {}, query: {}, body: { n: 1 } },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { steps } = await finished(((await res.json()) as { executionId: string }).executionId);
    expect(steps.reply.output).toMatchObject({ body: { n: 1 } });
    expect(steps.reply.logs![0].message).toMatch(
      /^Did not answer, nobody waits for this answer: .*Would have answered: status 201/,
    );
    expect(steps.after.output).toEqual({ afterwards: 2 });
  });

  it("a webhook on responseNode with no Respond to Webhook node after it is refused, naming the trigger and field", async () => {
    const user = await signUp();
    const { res, body } = await save(user, [hook(), after], chain("hook", "after"));
    expect(res.status).toBe(422);
    expect(body.error.details).toEqual([
      expect.objectContaining({ nodeId: "hook", nodeName: "Webhook", field: "parameters.respond" }),
    ]);
    // A respond node beside the trigger, not after it, does not count.
    const beside = await save(user, [hook(), after, responder("r", "Reply", {})], chain("hook", "after"));
    expect(beside.res.status).toBe(422);
  });

  it("a header that would act on the app is refused at save, naming the node and header", async () => {
    const user = await signUp();
    const { res, body } = await save(
      user,
      [hook(), responder("reply", "Reply", { headers: { "Set-Cookie": "session=evil" } })],
      chain("hook", "reply"),
    );
    expect(res.status).toBe(422);
    expect(body.error.details).toEqual([
      expect.objectContaining({
        nodeName: "Reply",
        field: "parameters.headers.Set-Cookie",
        message: expect.stringContaining("set-cookie"),
      }),
    ]);
    const length = await save(
      user,
      [hook(), responder("reply", "Reply", { headers: { "content-length": "3" } })],
      chain("hook", "reply"),
    );
    expect(length.res.status).toBe(422);
  });

  it("is allowed in a workflow without a webhook trigger, where it passes through", async () => {
    const user = await signUp();
    const { res, body } = await save(
      user,
      [{ id: "start", type: "manualTrigger", name: "Start" }, responder("reply", "Reply", { body: "x" })],
      chain("start", "reply"),
    );
    expect(res.status).toBe(201);
    const run = await user.fetch(`/api/workflows/${body.id}/run`, { method: "POST", json: {} });
    expect(run.status).toBe(201);
    const { execution, steps } = await finished(((await run.json()) as { executionId: string }).executionId);
    expect(execution.status).toBe("success");
    expect(steps.reply.logs![0].message).toMatch(/^Did not answer, nobody waits/);
  });

  it("respond lastNode answers are sandboxed too", async () => {
    const user = await signUp();
    const wf = await activeHook(user, [hook("lastNode"), after], chain("hook", "after"));
    const res = await call(wf.url, { method: "POST", json: { n: 1 } });
    expect(res.status).toBe(200);
    expectRunDataHeaders(res);
  });
});

async function executionsOf(user: TestUser, workflowId: string) {
  const res = await user.fetch(`/api/executions?workflowId=${workflowId}`);
  return ((await res.json()) as { items: { id: string }[] }).items;
}
