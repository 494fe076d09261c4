/**
 * `settings.executionMode: "fast"` (engine/fast-run.ts): the same engine in-process, no Workflow instance
 * per run. Checked: what is refused at save (a 422 naming the node), that runs end with the same records
 * as durable ones, the cost of a Webhook → Set run (counted), failures and in-process retries, and the
 * reconciler's hand-off of a fast run that a crash cut off.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FAST_HANDOFF_MS, reconcileExecutions } from "../src/engine/reconciler";
import { createWebhookApp } from "../src/http/webhooks";
import { getDb } from "../src/storage/db";
import { insertExecutionWithSteps } from "../src/storage/executions";
import { realTriggerServices } from "../src/triggers/real-services";
import { countingD1, countingRooms, type Counts } from "./counting";
import { finished } from "./engine-fixtures";
import { signUp, type TestUser } from "./helpers";
import { webhookIdOf, type SavedNode } from "./trigger-scenarios";

type Node = { id: string; type: string; name: string; parameters?: Record<string, unknown> };

function doc(nodes: Node[], settings: Record<string, unknown> = { executionMode: "fast" }) {
  return {
    name: "Fast",
    settings,
    nodes: nodes.map((n, i) => ({ parameters: {}, position: { x: i * 240, y: 0 }, ...n })),
    edges: nodes
      .slice(1)
      .map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id, sourceHandle: "main" })),
  };
}

async function save(user: TestUser, nodes: Node[], settings?: Record<string, unknown>) {
  const res = await user.fetch("/api/workflows", { method: "POST", json: doc(nodes, settings) });
  return { res, body: (await res.json()) as { id: string; nodes: SavedNode[] } & Record<string, any> };
}

async function activeHook(user: TestUser, respond: string, then: Node[]) {
  const { res, body } = await save(user, [
    { id: "hook", type: "webhookTrigger", name: "Webhook", parameters: { method: "POST", respond } },
    ...then,
  ]);
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect((await user.fetch(`/api/workflows/${body.id}/activate`, { method: "POST" })).status).toBe(200);
  return { id: body.id, webhookId: webhookIdOf(body, "hook") };
}

const DOUBLE: Node = {
  id: "double",
  type: "set",
  name: "Double",
  parameters: { fields: { doubled: "{{ $json.body.n * 2 }}" } },
};

async function instanceExists(id: string) {
  try {
    await env.RUN_WORKFLOW.get(id);
    return true;
  } catch {
    return false;
  }
}

describe("fast mode: what is refused at save", () => {
  it("refuses wait and waitForEvent with a 422 naming each node; the same document saves durable", async () => {
    const user = await signUp();
    const nodes: Node[] = [
      { id: "m", type: "manualTrigger", name: "Start" },
      { id: "w", type: "wait", name: "Pause", parameters: { seconds: 5 } },
      { id: "e", type: "waitForEvent", name: "Approval", parameters: { event: "ok" } },
    ];
    const { res, body } = await save(user, nodes);
    expect(res.status).toBe(422);
    expect(body.error.code).toBe("invalid_workflow");
    expect(body.error.message).toContain("Pause:");
    const details = body.error.details as { code: string; nodeName: string; field: string }[];
    expect(details.map((d) => [d.code, d.nodeName, d.field])).toEqual([
      ["not_allowed_in_fast_mode", "Pause", "settings.executionMode"],
      ["not_allowed_in_fast_mode", "Approval", "settings.executionMode"],
    ]);
    expect((await save(user, nodes, { executionMode: "durable" })).res.status).toBe(201);
  });

  it("refuses forEach and an executeWorkflow that waits for its child", async () => {
    const user = await signUp();
    const child = await save(user, [{ id: "t", type: "workflowTrigger", name: "Called" }], {});
    const { res, body } = await save(user, [
      { id: "m", type: "manualTrigger", name: "Start" },
      { id: "x", type: "executeWorkflow", name: "Call", parameters: { workflowId: child.body.id } },
      { id: "l", type: "forEach", name: "Each", parameters: { items: "{{ $json.list }}" } },
    ]);
    expect(res.status).toBe(422);
    const details = body.error.details as { code: string; nodeName: string }[];
    expect(details.map((d) => [d.code, d.nodeName])).toEqual([
      ["not_allowed_in_fast_mode", "Call"],
      ["not_allowed_in_fast_mode", "Each"],
    ]);
  });

  it("a PUT that leaves settings out keeps the saved fast mode, and so its check", async () => {
    const user = await signUp();
    const start: Node = { id: "m", type: "manualTrigger", name: "Start" };
    const { body } = await save(user, [start]);
    const put = await user.fetch(`/api/workflows/${body.id}`, {
      method: "PUT",
      json: {
        name: "Fast",
        nodes: doc([start, { id: "w", type: "wait", name: "W", parameters: { seconds: 5 } }]).nodes,
        edges: [],
      },
    });
    expect(put.status).toBe(422);
    expect(((await put.json()) as { error: { details: { code: string }[] } }).error.details[0].code).toBe(
      "not_allowed_in_fast_mode",
    );
    const after = (await (await user.fetch(`/api/workflows/${body.id}`)).json()) as { version: number };
    expect(after.version).toBe(1);
  });

  it("allows executeWorkflow without wait (it starts the child and goes on)", async () => {
    const user = await signUp();
    const child = await save(user, [{ id: "t", type: "workflowTrigger", name: "Called" }], {});
    expect(child.res.status).toBe(201);
    const parent = await save(user, [
      { id: "m", type: "manualTrigger", name: "Start" },
      {
        id: "x",
        type: "executeWorkflow",
        name: "Call",
        parameters: { workflowId: child.body.id, wait: false },
      },
    ]);
    expect(parent.res.status, JSON.stringify(parent.body)).toBe(201);
  });
});

describe("fast mode: runs", { timeout: 60_000 }, () => {
  it("respond lastNode: answers with the last output, records both steps, creates no Workflow instance", async () => {
    const user = await signUp();
    const hook = await activeHook(user, "lastNode", [DOUBLE]);
    const res = await user.fetch(`/webhooks/${hook.webhookId}`, { method: "POST", json: { n: 21 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ doubled: 42 });
    const list = (await (await user.fetch(`/api/executions?workflowId=${hook.id}`)).json()) as {
      items: { id: string; status: string }[];
    };
    expect(list.items).toHaveLength(1);
    const { execution, steps } = await finished(list.items[0].id);
    expect(execution.status).toBe("success");
    expect(steps.hook.status).toBe("success");
    expect(steps.double).toMatchObject({ status: "success", output: { doubled: 42 }, attempts: 1 });
    expect(await instanceExists(execution.id)).toBe(false);
  });

  it("respond immediately: 202 at once, the run finishes in the same invocation", async () => {
    const user = await signUp();
    const hook = await activeHook(user, "immediately", [DOUBLE]);
    const res = await user.fetch(`/webhooks/${hook.webhookId}`, { method: "POST", json: { n: 2 } });
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(steps.double.output).toEqual({ doubled: 4 });
    expect(await instanceExists(executionId)).toBe(false);
  });

  it("a failing node: the caller gets the node's message, the run ends error with it", async () => {
    const user = await signUp();
    const hook = await activeHook(user, "lastNode", [
      { id: "stop", type: "stopAndError", name: "Refuse", parameters: { message: "no such order" } },
    ]);
    const res = await user.fetch(`/webhooks/${hook.webhookId}`, { method: "POST", json: {} });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string; details: { executionId: string } } };
    expect(body.error.message).toContain("no such order");
    const { execution, steps } = await finished(body.error.details.executionId);
    expect(execution.status).toBe("error");
    expect(steps.stop.status).toBe("error");
  });

  it("a manual run of a fast workflow runs in-process too", async () => {
    const user = await signUp();
    const { body } = await save(user, [
      { id: "m", type: "manualTrigger", name: "Start" },
      { id: "s", type: "set", name: "Greet", parameters: { fields: { hi: "{{ $json.name }}" } } },
    ]);
    const res = await user.fetch(`/api/workflows/${body.id}/run`, { method: "POST", json: { name: "ada" } });
    expect(res.status).toBe(201);
    const { executionId } = (await res.json()) as { executionId: string };
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(steps.s.output).toEqual({ hi: "ada" });
    expect(await instanceExists(executionId)).toBe(false);
  });
});

describe("fast mode: cost of a run", { timeout: 60_000 }, () => {
  const zero = (): Counts => ({ d1RoundTrips: 0, d1Statements: 0, roomCalls: 0, steps: 0 });

  /** Calls the webhook with counted D1, rooms and run gate; the first call warms the snapshot. */
  async function countedCall(webhookId: string) {
    const app = createWebhookApp(realTriggerServices, { lastNodeWaitMs: 20_000 });
    const counted = (counts: Counts, gate: Counts) => {
      const e = {
        ...env,
        DB: countingD1(env.DB, counts),
        RUN_ROOM: countingRooms(env.RUN_ROOM, counts),
        RUN_GATE: countingRooms(env.RUN_GATE, gate),
      } as Env;
      e.RUN_WORKFLOW = {
        create: async () => {
          throw new Error("a fast run must not create a Workflow instance");
        },
      } as unknown as Env["RUN_WORKFLOW"];
      return e;
    };
    const background: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => background.push(p), passThroughOnException() {} };
    const call = (e: Env) =>
      app.request(
        `http://local.test/webhooks/${webhookId}`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: 21 }) },
        e,
        ctx as unknown as ExecutionContext,
      );
    await call(counted(zero(), zero()));
    await Promise.all(background);
    const counts = zero();
    const gate = zero();
    const res = await call(counted(counts, gate));
    // What the caller's answer says about the record, before anything in the background goes on.
    const body = (await res.json()) as Record<string, unknown>;
    const executionId = (body.executionId as string | undefined) ?? null;
    const recordedAtAnswer = executionId
      ? await env.DB.prepare("SELECT status FROM workflow_execution WHERE id = ?").bind(executionId).first()
      : null;
    await Promise.all(background);
    return { res, body, counts, gateCalls: gate.roomCalls, recordedAtAnswer };
  }

  it("Webhook → Set, lastNode: two D1 round trips in all, no room call, no gate call, no instance", async () => {
    const user = await signUp();
    const hook = await activeHook(user, "lastNode", [DOUBLE]);
    const { res, body, counts, gateCalls } = await countedCall(hook.webhookId);
    expect(res.status).toBe(200);
    expect(body).toEqual({ doubled: 42 });
    // Intake: the webhook's node + workflow with the per-owner rate-limit counter (one batch); the run:
    // one batch holding the execution's insert, both records, the end and the watch read.
    expect(counts).toMatchObject({ d1RoundTrips: 2, roomCalls: 0 });
    expect(gateCalls).toBe(0);
  });

  it("immediately: the answer comes after the run is recorded, still in two round trips", async () => {
    const user = await signUp();
    const hook = await activeHook(user, "immediately", [DOUBLE]);
    const { res, body, counts, recordedAtAnswer } = await countedCall(hook.webhookId);
    expect(res.status).toBe(202);
    expect(recordedAtAnswer).not.toBeNull();
    expect(counts.d1RoundTrips).toBe(2);
    const { execution, steps } = await finished(body.executionId as string);
    expect(execution.status).toBe("success");
    expect(steps.double.output).toEqual({ doubled: 42 });
  });

  it("a node that calls out (or a workflow limit) keeps the insert first and the gate's two calls", async () => {
    const user = await signUp();
    const calling = await activeHook(user, "lastNode", [
      DOUBLE,
      { id: "code", type: "code", name: "Code", parameters: { code: "return { n: $json.doubled };" } },
    ]);
    const sideEffects = await countedCall(calling.webhookId);
    expect(sideEffects.res.status).toBe(200);
    expect(sideEffects.body).toEqual({ n: 42 });
    expect(sideEffects.gateCalls).toBe(2);
    expect(sideEffects.counts.d1RoundTrips).toBeGreaterThan(2);

    const { res, body } = await save(
      user,
      [
        {
          id: "hook",
          type: "webhookTrigger",
          name: "Webhook",
          parameters: { method: "POST", respond: "lastNode" },
        },
        DOUBLE,
      ],
      { executionMode: "fast", maxConcurrency: 5 },
    );
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect((await user.fetch(`/api/workflows/${body.id}/activate`, { method: "POST" })).status).toBe(200);
    const limited = await countedCall(webhookIdOf(body, "hook"));
    expect(limited.body).toEqual({ doubled: 42 });
    expect(limited.gateCalls).toBe(2);
  });
});

describe("fast mode: a run a crash cut off", { timeout: 60_000 }, () => {
  it("the reconciler leaves a young fast row alone and hands an old one to the durable engine", async () => {
    const user = await signUp();
    const hook = await activeHook(user, "immediately", [DOUBLE]);
    const db = getDb(env.DB);
    const version = 1;
    const row = (id: string, ageMs: number) =>
      insertExecutionWithSteps(
        db,
        {
          id,
          workflowId: hook.id,
          userId: user.userId,
          version,
          status: "queued",
          mode: "webhook",
          triggerNodeId: "hook",
          triggerData: { body: { n: 5 } },
          createdAt: new Date(Date.now() - ageMs),
          ticket: {
            workflowId: hook.id,
            userId: user.userId,
            version,
            triggerNodeId: "hook",
            reusedNodeIds: [],
            liveUntil: null,
            awaitEnd: false,
            parentExecutionId: null,
            fast: true,
          },
        },
        [],
      );
    const young = crypto.randomUUID();
    const old = crypto.randomUUID();
    await row(young, 60_000);
    await row(old, FAST_HANDOFF_MS + 60_000);
    const report = await reconcileExecutions(env, Date.now());
    expect(report.created).toBeGreaterThanOrEqual(1);
    expect(await instanceExists(young)).toBe(false);
    expect(await instanceExists(old)).toBe(true);
    const { execution, steps } = await finished(old);
    expect(execution.status).toBe("success");
    expect(steps.double.output).toEqual({ doubled: 10 });
  });
});
