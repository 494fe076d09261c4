/**
 * Pinned data in runs and "run to a node", through the API: manual and test-URL runs use pins (steps
 * `pinned: true`), production runs never do; `?until=` runs only the trigger and the nodes on the way,
 * not upstream of a pin; an unknown `until` is a 422 that starts nothing.
 */
import { describe, expect, it } from "vitest";
import {
  createWorkflow,
  doc,
  getExecution,
  runWorkflow,
  stepOf,
  waitFor,
  type ExecutionBody,
} from "./api-helpers-engine";
import { call, signUp, type TestUser } from "./helpers";

const manual = { id: "m", type: "manualTrigger", name: "Manual" };
const set = (id: string, name: string, fields: Record<string, unknown>) => ({
  id,
  type: "set",
  name,
  parameters: { fields },
});

async function pin(user: TestUser, workflowId: string, pinData: Record<string, unknown>) {
  const current = (await (await user.fetch(`/api/workflows/${workflowId}`)).json()) as Record<
    string,
    unknown
  >;
  const res = await user.fetch(`/api/workflows/${workflowId}`, {
    method: "PUT",
    json: { name: current.name, nodes: current.nodes, edges: current.edges, pinData },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function runUntil(user: TestUser, workflowId: string, until: string, body: unknown = {}) {
  const res = await user.fetch(`/api/workflows/${workflowId}/run?until=${encodeURIComponent(until)}`, {
    method: "POST",
    json: body,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { executionId } = (await res.json()) as { executionId: string };
  return waitFor(user, executionId);
}

const ran = (e: ExecutionBody) =>
  e.steps.map((s) => [s.nodeId, s.status, (s as { pinned?: boolean }).pinned] as const);

describe("pinned data in runs", () => {
  it("a manual run uses a pin as the node's output (step pinned: true) and what follows reads it", async () => {
    const user = await signUp();
    const id = await createWorkflow(
      user,
      doc(
        "Pins",
        [
          manual,
          set("a", "Double", { n: "{{ $json.n * 2 }}" }),
          set("b", "Plus one", { n: "{{ $json.n + 1 }}" }),
        ],
        [
          ["m", "a"],
          ["a", "b"],
        ],
      ),
    );
    await pin(user, id, { a: { n: 100 } });
    const execution = await waitFor(user, await runWorkflow(user, id, { n: 1 }));
    expect(execution.status).toBe("success");
    expect(stepOf(execution, "a")).toMatchObject({
      status: "success",
      pinned: true,
      attempts: 0,
      output: { n: 100 },
    });
    expect(stepOf(execution, "b")).toMatchObject({ pinned: false, output: { n: 101 } });
    expect(stepOf(execution, "m")).toMatchObject({ pinned: false, output: { n: 1 } });
  });

  it("a pinned trigger's pin replaces the payload; a pinned If goes on through true", async () => {
    const user = await signUp();
    const id = await createWorkflow(
      user,
      doc(
        "Pinned trigger and If",
        [
          manual,
          { id: "i", type: "if", name: "Big?", parameters: { condition: "{{ $json.n > 10 }}" } },
          set("t", "Yes", { from: "{{ $json.n }}" }),
          set("f", "No", { from: "{{ $json.n }}" }),
        ],
        [
          ["m", "i"],
          ["i", "t", "true"],
          ["i", "f", "false"],
        ],
      ),
    );
    await pin(user, id, { m: { n: 5 }, i: { n: 3 } });
    const execution = await waitFor(user, await runWorkflow(user, id, { n: 1000 }));
    expect(ran(execution)).toEqual(
      expect.arrayContaining([
        ["m", "success", true],
        ["i", "success", true],
        ["t", "success", false],
        ["f", "skipped", false],
      ]),
    );
    expect(stepOf(execution, "t")?.output).toEqual({ from: 3 });
  });

  it("the test URL uses pins; the production URL of the active workflow never does", async () => {
    const user = await signUp();
    const id = await createWorkflow(
      user,
      doc(
        "Webhook pins",
        [
          {
            id: "w",
            type: "webhookTrigger",
            name: "Hook",
            parameters: { method: "POST", respond: "lastNode" },
          },
          set("a", "Shape", { n: "{{ $json.body.n }}" }),
          set("b", "Double", { doubled: "{{ $json.n * 2 }}" }),
        ],
        [
          ["w", "a"],
          ["a", "b"],
        ],
      ),
    );
    await pin(user, id, { a: { n: 50 } });
    const wf = (await (await user.fetch(`/api/workflows/${id}`)).json()) as {
      nodes: { id: string; webhookId?: string }[];
    };
    const hook = wf.nodes.find((n) => n.id === "w")!.webhookId!;
    const test = await call(`/webhooks-test/${hook}`, { method: "POST", json: { n: 1 } });
    expect(await test.json()).toEqual({ doubled: 100 });
    expect((await user.fetch(`/api/workflows/${id}/activate`, { method: "POST" })).status).toBe(200);
    const live = await call(`/webhooks/${hook}`, { method: "POST", json: { n: 1 } });
    expect(await live.json()).toEqual({ doubled: 2 });
    const list = (await (await user.fetch(`/api/executions?workflowId=${id}`)).json()) as {
      items: { id: string; mode: string }[];
    };
    const production = await getExecution(user, list.items.find((e) => e.mode === "webhook")!.id);
    expect(production.steps.every((s) => (s as { pinned?: boolean }).pinned === false)).toBe(true);
  });
});

describe("run to a node", () => {
  //  m ─> a ─> b ─> c
  //        └─> d
  const chain = (user: TestUser) =>
    createWorkflow(
      user,
      doc(
        "Chain",
        [
          manual,
          set("a", "A", { n: "{{ $json.n + 1 }}" }),
          set("b", "B", { n: "{{ $json.n * 10 }}" }),
          set("c", "C", { n: "{{ $json.n - 1 }}" }),
          set("d", "D", { side: true }),
        ],
        [
          ["m", "a"],
          ["a", "b"],
          ["b", "c"],
          ["a", "d"],
        ],
      ),
    );

  it("runs only the trigger and the nodes on the way; nothing after or beside it", async () => {
    const user = await signUp();
    const id = await chain(user);
    const execution = await runUntil(user, id, "b", { n: 1 });
    expect(execution.status).toBe("success");
    expect(execution.steps.map((s) => s.nodeId).sort()).toEqual(["a", "b", "m"]);
    expect(stepOf(execution, "b")?.output).toEqual({ n: 20 });
    expect((execution as { runUntil?: string }).runUntil).toBe("b");
  });

  it("does not run what only feeds a pinned node", async () => {
    const user = await signUp();
    const id = await chain(user);
    await pin(user, id, { b: { n: 7 } });
    const execution = await runUntil(user, id, "c", { n: 1 });
    expect(execution.status).toBe("success");
    expect(ran(execution).sort()).toEqual([
      ["b", "success", true],
      ["c", "success", false],
      ["m", "success", false],
    ]);
    expect(stepOf(execution, "c")?.output).toEqual({ n: 6 });
  });

  it("answers 422 invalid_until for a node that is not in the workflow, and starts nothing", async () => {
    const user = await signUp();
    const id = await chain(user);
    const res = await user.fetch(`/api/workflows/${id}/run?until=ghost`, { method: "POST", json: {} });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "invalid_until",
      message: expect.stringContaining('"ghost"'),
    });
    const list = (await (await user.fetch(`/api/executions?workflowId=${id}`)).json()) as {
      items: unknown[];
    };
    expect(list.items).toEqual([]);
  });
});
