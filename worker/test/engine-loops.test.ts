/**
 * forEach end to end through the API and the durable engine: per-element HTTP calls against the echo
 * server, results in element order, bounded concurrency, stop vs continue, branches, nested loops,
 * waits in the body, retry fromFailed reusing succeeded elements, and a 1,000-element run.
 */
import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import {
  createWorkflow,
  doc,
  getExecution,
  runWorkflow,
  stepOf,
  waitFor,
  type DocNode,
} from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";
import { credential } from "./secret-leaks";

const echo = inject("echoServerUrl");

interface ItemPage {
  items: {
    nodeId: string;
    itemIndex: number;
    parentPath: string;
    status: string;
    input: unknown;
    output: unknown;
    error: unknown;
  }[];
  nextCursor: string | null;
}

const trigger: DocNode = { id: "t", type: "manualTrigger", name: "Start" };
const after: DocNode = {
  id: "z",
  type: "set",
  name: "After",
  parameters: {
    fields: { results: "{{ $json.results }}", count: "{{ $json.count }}", failed: "{{ $json.failed }}" },
  },
};

/** Start → Each (forEach over `$json.rows`) ─item→ body… ; Each ─done→ After. */
async function runLoop(
  user: TestUser,
  loop: Record<string, unknown>,
  body: DocNode[],
  bodyEdges: [string, string, string?][],
  rows: unknown,
) {
  const nodes = [
    trigger,
    { id: "l", type: "forEach", name: "Each", parameters: { items: "{{ $json.rows }}", ...loop } },
    ...body,
    after,
  ];
  const edges: [string, string, string?][] = [
    ["t", "l"],
    ["l", body[0].id, "item"],
    ...bodyEdges,
    ["l", "z", "done"],
  ];
  const workflowId = await createWorkflow(user, doc("Loop", nodes, edges));
  const id = await runWorkflow(user, workflowId, { rows });
  const execution = await finishedExecution(user, id);
  return { workflowId, id, execution };
}

/** Polls the execution until it ends (up to 90 s: the 1,000-element run is slow on a loaded machine). */
async function finishedExecution(user: TestUser, id: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const e = await getExecution(user, id);
    if (["success", "error", "canceled"].includes(e.status)) return e;
    if (Date.now() > deadline) throw new Error(`execution ${id} stayed ${e.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function items(user: TestUser, id: string, query = "") {
  const res = await user.fetch(`/api/executions/${id}/items?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ItemPage;
}

describe("forEach", { timeout: 120_000 }, () => {
  it("calls the server once per element and hands done the results in element order", async () => {
    const user = await signUp();
    const key = crypto.randomUUID();
    const rows = [5, 3, 9, 1, 7, 2, 8, 4, 6].map((n) => ({ n }));
    const { id, execution } = await runLoop(
      user,
      { concurrency: 3 },
      [
        {
          id: "h",
          type: "httpRequest",
          name: "Call",
          parameters: { method: "GET", url: `${echo}/inflight/${key}?n={{ $json.n }}&i={{ $item.index }}` },
        },
        {
          id: "s",
          type: "set",
          name: "Shape",
          parameters: {
            fields: { n: "{{ $number($json.body.query.n) }}", at: "{{ $item.index }} of {{ $item.count }}" },
          },
        },
      ],
      [["h", "s"]],
      rows,
    );
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    const out = stepOf(execution, "z")!.output as {
      results: { n: number; at: string }[];
      count: number;
      failed: number;
    };
    expect(out.count).toBe(9);
    expect(out.failed).toBe(0);
    expect(out.results.map((r) => r.n)).toEqual(rows.map((r) => r.n));
    expect(out.results[2].at).toBe("2 of 9");
    // Concurrency is bounded: the server never saw more than 3 requests at once, and did see overlap.
    const seen = (await (await fetch(`${echo}/inflight/${key}/max`)).json()) as {
      max: number;
      calls: number;
    };
    expect(seen.calls).toBe(9);
    expect(seen.max).toBeLessThanOrEqual(3);
    expect(seen.max).toBeGreaterThan(1);
    // Every body step record carries its element; the node-level record summarises them.
    const page = await items(user, id, "nodeId=h");
    expect(page.items.map((s) => s.itemIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(page.items[3].input).toEqual({ n: 1 });
    expect(stepOf(execution, "h")).toMatchObject({
      status: "success",
      items: { done: 9, failed: 0, total: 9 },
    });
  });

  it("continue: a failed element is null in results and counted; the others run", async () => {
    const user = await signUp();
    const { id, execution } = await runLoop(
      user,
      { onItemError: "continue" },
      [
        {
          id: "h",
          type: "httpRequest",
          name: "Call",
          retry: { maxAttempts: 1, backoff: "constant", delayMs: 0 },
          parameters: { method: "GET", url: `${echo}/{{ $json.fail ? "status/500" : "json" }}` },
        },
      ],
      [],
      [{}, { fail: true }, {}, {}],
    );
    expect(execution.status).toBe("success");
    const out = stepOf(execution, "z")!.output as { results: unknown[]; count: number; failed: number };
    expect(out.count).toBe(4);
    expect(out.failed).toBe(1);
    expect(out.results[1]).toBeNull();
    expect(out.results[3]).toMatchObject({ status: 200, body: { hello: "world" } });
    const failed = await items(user, id, "nodeId=h&itemIndex=1");
    expect(failed.items[0]).toMatchObject({
      status: "error",
      error: { message: expect.stringMatching(/500/) },
    });
  });

  it("stop: the first failed element fails the loop and the run; later elements never start", async () => {
    const user = await signUp();
    const { id, execution } = await runLoop(
      user,
      {},
      [
        {
          id: "h",
          type: "httpRequest",
          name: "Call",
          retry: { maxAttempts: 1, backoff: "constant", delayMs: 0 },
          parameters: { method: "GET", url: `${echo}/{{ $json.fail ? "status/500" : "json" }}` },
        },
      ],
      [],
      [{}, { fail: true }, {}, {}],
    );
    expect(execution.status).toBe("error");
    expect(execution.error?.nodeId).toBe("l");
    expect(execution.error?.message).toMatch(/element 1 failed: Node "Call": .*500/);
    expect(stepOf(execution, "z")).toBeUndefined();
    const page = await items(user, id, "nodeId=h");
    expect(page.items.map((s) => [s.itemIndex, s.status])).toEqual([
      [0, "success"],
      [1, "error"],
    ]);
  });

  it("fails the loop node naming it and what the expression gave when items is not a list", async () => {
    const user = await signUp();
    const { execution } = await runLoop(user, {}, [{ id: "s", type: "set", name: "S" }], [], { a: 1 });
    expect(execution.status).toBe("error");
    expect(execution.error?.nodeId).toBe("l");
    expect(execution.error?.message).toContain(
      'Node "Each": items must be a list, but the expression gave an object: {"a":1}',
    );
  });

  it("routes each element through a branch in the body; the untaken side is skipped for that element", async () => {
    const user = await signUp();
    const { id, execution } = await runLoop(
      user,
      {},
      [
        { id: "if", type: "if", name: "Big?", parameters: { condition: "{{ $json > 10 }}" } },
        { id: "y", type: "set", name: "Big", parameters: { fields: { big: "{{ $json }}" } } },
        { id: "n", type: "set", name: "Small", parameters: { fields: { small: "{{ $json }}" } } },
      ],
      [
        ["if", "y", "true"],
        ["if", "n", "false"],
      ],
      [5, 50, 7],
    );
    expect(execution.status).toBe("success");
    expect((stepOf(execution, "z")!.output as { results: unknown[] }).results).toEqual([
      { small: 5 },
      { big: 50 },
      { small: 7 },
    ]);
    const big = await items(user, id, "nodeId=y");
    expect(big.items.map((s) => s.status)).toEqual(["skipped", "success", "skipped"]);
  });

  it("runs a loop nested in a loop body, with $item of the inner element and the outer element's nodes", async () => {
    const user = await signUp();
    const { id, execution } = await runLoop(
      user,
      {},
      [
        { id: "o", type: "set", name: "Outer", parameters: { fields: { list: "{{ $json }}" } } },
        { id: "inner", type: "forEach", name: "Inner", parameters: { items: "{{ $json.list }}" } },
        {
          id: "x",
          type: "set",
          name: "Times ten",
          parameters: {
            fields: { v: "{{ $json * 10 }}", i: "{{ $item.index }}", n: '{{ $count($node("Outer").list) }}' },
          },
        },
        {
          id: "sum",
          type: "set",
          name: "Sum",
          parameters: { fields: { total: "{{ $sum($json.results.v) }}", count: "{{ $json.count }}" } },
        },
      ],
      [
        ["o", "inner"],
        ["inner", "x", "item"],
        ["inner", "sum", "done"],
      ],
      [[1, 2], [3], []],
    );
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    // The inner elements are recorded under their outer element's path.
    const inner = await items(user, id, "nodeId=x");
    expect(inner.items.map((s) => [s.parentPath, s.itemIndex])).toEqual([
      ["0", 0],
      ["0", 1],
      ["1", 0],
    ]);
    expect((stepOf(execution, "z")!.output as { results: unknown[] }).results).toEqual([
      { total: 30, count: 2 },
      { total: 30, count: 1 },
      { count: 0 },
    ]);
  });

  it("waits inside the body: each element sleeps durably, then goes on", async () => {
    await using introspector = await introspectWorkflow(env.RUN_WORKFLOW);
    await introspector.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const user = await signUp();
    const { id, execution } = await runLoop(
      user,
      { concurrency: 2 },
      [
        { id: "w", type: "wait", name: "Pause", parameters: { seconds: 30 } },
        { id: "s", type: "set", name: "After pause", parameters: { fields: { v: "{{ $item.value }}" } } },
      ],
      [["w", "s"]],
      ["a", "b", "c"],
    );
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    expect((stepOf(execution, "z")!.output as { results: unknown[] }).results).toEqual([
      { v: "a" },
      { v: "b" },
      { v: "c" },
    ]);
    expect((await items(user, id, "nodeId=w")).items.map((s) => s.status)).toEqual([
      "success",
      "success",
      "success",
    ]);
  });

  it("waits for an event per element: each element's own event name resumes only that element", async () => {
    const user = await signUp();
    const nodes = [
      trigger,
      { id: "l", type: "forEach", name: "Each", parameters: { items: "{{ $json.rows }}", concurrency: 3 } },
      {
        id: "e",
        type: "waitForEvent",
        name: "Approval",
        parameters: { event: '{{ "approve-" & $item.index }}', timeoutSeconds: 3600 },
      },
      {
        id: "s",
        type: "set",
        name: "Approved",
        parameters: { fields: { v: "{{ $item.value }}", by: "{{ $json.by }}" } },
      },
      after,
    ];
    const edges: [string, string, string?][] = [
      ["t", "l"],
      ["l", "e", "item"],
      ["e", "s"],
      ["l", "z", "done"],
    ];
    const id = await runWorkflow(user, await createWorkflow(user, doc("Approvals", nodes, edges)), {
      rows: ["a", "b", "c"],
    });
    const deadline = Date.now() + 60_000;
    while ((await items(user, id, "nodeId=e")).items.filter((s) => s.status === "waiting").length < 3) {
      if (Date.now() > deadline) throw new Error("the three elements never all waited");
      await new Promise((r) => setTimeout(r, 200));
    }
    // Out of order: each event reaches the element whose name it carries.
    for (const [index, by] of [
      [2, "carol"],
      [0, "ada"],
      [1, "bob"],
    ] as const) {
      const sent = await user.fetch(`/api/executions/${id}/events/approve-${index}`, {
        method: "POST",
        json: { by },
      });
      expect(sent.status).toBe(202);
    }
    const execution = await finishedExecution(user, id);
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    expect((stepOf(execution, "z")!.output as { results: unknown[] }).results).toEqual([
      { v: "a", by: "ada" },
      { v: "b", by: "bob" },
      { v: "c", by: "carol" },
    ]);
  });

  it("retry fromFailed runs only the failed element and those after it; succeeded elements are reused", async () => {
    const user = await signUp();
    const key = crypto.randomUUID();
    const rows = [
      { url: `${echo}/inflight/${key}-a` },
      { url: `${echo}/inflight/${key}-b` },
      { url: `${echo}/flaky/${key}/1` },
      { url: `${echo}/inflight/${key}-d` },
    ];
    const http: DocNode = {
      id: "h",
      type: "httpRequest",
      name: "Call",
      retry: { maxAttempts: 1, backoff: "constant", delayMs: 0 },
      parameters: { method: "GET", url: "{{ $json.url }}" },
    };
    const first = await runLoop(user, {}, [http], [], rows);
    expect(first.execution.status).toBe("error");
    const res = await user.fetch(`/api/executions/${first.id}/retry`, {
      method: "POST",
      json: { mode: "fromFailed" },
    });
    expect(res.status).toBe(201);
    const { executionId } = (await res.json()) as { executionId: string };
    const retried = await waitFor(user, executionId);
    expect(retried.status, JSON.stringify(retried.error)).toBe("success");
    const out = stepOf(retried, "z")!.output as {
      results: { status: number }[];
      count: number;
      failed: number;
    };
    expect(out.count).toBe(4);
    expect(out.results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const [suffix, calls] of [
      ["a", 1],
      ["b", 1],
      ["d", 1],
    ] as const) {
      const seen = (await (await fetch(`${echo}/inflight/${key}-${suffix}/max`)).json()) as { calls: number };
      expect(seen.calls, suffix).toBe(calls);
    }
    // The reused elements' body records came along (read like any other), and the re-run ones are new.
    const records = (await items(user, executionId, "nodeId=h")).items;
    expect(records.map((s) => s.itemIndex)).toEqual([0, 1, 2, 3]);
    expect(records.every((s) => s.status === "success")).toBe(true);
    const firstRecords = (await items(user, first.id, "nodeId=h")).items;
    expect(records[0].output).toEqual(firstRecords[0].output);
    // So the body node counts all four elements, not only the two that ran again.
    expect((stepOf(retried, "h") as { items?: unknown }).items).toMatchObject({
      done: 4,
      failed: 0,
      total: 4,
    });
  });

  it("gives a code node in the body $item and $node like expressions", async () => {
    const user = await signUp();
    const { execution } = await runLoop(
      user,
      {},
      [
        { id: "s", type: "set", name: "Shape", parameters: { fields: { n: "{{ $json * 10 }}" } } },
        {
          id: "c",
          type: "code",
          name: "Code",
          parameters: {
            code: 'return { index: $item.index, count: $item.count, value: $item.value, n: $node("Shape").n };',
          },
        },
      ],
      [["s", "c"]],
      [4, 5],
    );
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    expect((stepOf(execution, "z")!.output as { results: unknown[] }).results).toEqual([
      { index: 0, count: 2, value: 4, n: 40 },
      { index: 1, count: 2, value: 5, n: 50 },
    ]);
  });

  it("runs 1,000 elements; the execution stays small and the body records page", async () => {
    const user = await signUp();
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const { id, execution } = await runLoop(
      user,
      { concurrency: 5 },
      [{ id: "s", type: "set", name: "Double", parameters: { fields: { v: "{{ $json * 2 }}" } } }],
      [],
      rows,
    );
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    const out = stepOf(execution, "z")!.output as { results: { v: number }[]; count: number; failed: number };
    expect(out.count).toBe(1000);
    expect(out.results[999]).toEqual({ v: 1998 });
    expect(out.results.every((r, i) => r.v === i * 2)).toBe(true);
    // One record per node in the execution, not one per element.
    expect(execution.steps).toHaveLength(4);
    expect(stepOf(execution, "s")).toMatchObject({ items: { done: 1000, failed: 0, total: 1000 } });
    let page = await items(user, id, "nodeId=s&limit=500");
    const seen = page.items.length;
    expect(seen).toBe(500);
    page = await items(user, id, `nodeId=s&limit=500&cursor=${page.nextCursor}`);
    expect(page.items[0].itemIndex).toBe(500);
    expect(page.items).toHaveLength(500);
    expect(page.nextCursor).toBeNull();
    expect((await getExecution(user, id)).steps).toHaveLength(4);
  });

  it("a TCP node in the body (email) gets its socket: one message per element", async () => {
    const user = await signUp();
    const smtp = inject("smtpServer");
    const credentialId = await credential(user, "smtp", {
      host: smtp.host,
      port: smtp.port,
      security: "none",
      user: "mailer",
      password: "s3cret-pass",
      from: "bot@nodebase.test",
    });
    const tag = crypto.randomUUID().slice(0, 8);
    const rows = [`ann-${tag}@example.test`, `bob-${tag}@example.test`];
    const mail: DocNode = {
      id: "m",
      type: "email",
      name: "Mail",
      credentialId,
      parameters: { to: "{{ $item.value }}", subject: "Hi", text: "Hello" },
    };
    const { execution } = await runLoop(user, {}, [mail], [], rows);
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    for (const to of rows) {
      const inbox = (await (
        await fetch(`${smtp.inboxUrl}/?to=${encodeURIComponent(to)}`)
      ).json()) as unknown[];
      expect(inbox).toHaveLength(1);
    }
  });
});
