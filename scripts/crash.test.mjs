/**
 * `npm run test:crash` (node's test runner; `.ci/run` calls it): the embedded default survives a crash.
 * Starts the real `npm run dev` (scripts/dev.mjs: supervisor, ticker, wrangler) in its own process group
 * on throw-away state, starts runs in every state a crash can catch — three in a durable `wait`, one in
 * `waitForEvent`, a burst of webhook runs (some still queued or running), `fast` runs in the middle of a
 * slow HTTP call, a 100-element `forEach` — then SIGKILLs the whole process group, starts `npm run dev`
 * again on the same state and checks that every run ends as it should, each once: waits finish (the
 * reconciler wakes them: nothing else would), the event run takes its event, the burst leaves one
 * successful execution per call, the fast runs are handed to the durable engine and end once each, the
 * loop has its 100 results.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { freePort, root } from "./lib/local-worker.mjs";

const dir = mkdtempSync(join(tmpdir(), "nodebase-crash-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  PORT: String(port),
  PERSIST_TO: join(dir, "state"),
  WRANGLER_REGISTRY_PATH: join(dir, "registry"),
  WRANGLER_SEND_METRICS: "false",
  // A fast run cut off by the crash is handed to the durable engine after 20 s instead of 5 minutes.
  DEV_VARS: "FAST_HANDOFF_SECONDS=20",
};
mkdirSync(env.WRANGLER_REGISTRY_PATH, { recursive: true });
let dev = null;
let log = "";

function startDev(extra = {}) {
  const child = spawn(process.execPath, [join(root, "scripts/dev.mjs")], {
    cwd: root,
    env: { ...env, ...extra },
    detached: true, // its own process group: the crash below kills all of it at once
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (c) => (log = (log + c).slice(-20_000)));
  child.stderr.on("data", (c) => (log = (log + c).slice(-20_000)));
  return child;
}

async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- dev log ---\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const killGroup = (child, signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // gone
  }
};
const exited = (child) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once("exit", r));

after(async () => {
  if (dev) {
    killGroup(dev, "SIGTERM");
    await Promise.race([exited(dev), new Promise((r) => setTimeout(r, 15_000))]);
    killGroup(dev, "SIGKILL");
  }
  rmSync(dir, { recursive: true, force: true });
});

// A slow upstream for the fast workflow: each answer takes 4 s, so the crash catches fast runs mid-call.
const slowCalls = new Map();
const slow = createServer((req, res) => {
  const id = new URL(req.url, "http://x").searchParams.get("id");
  slowCalls.set(id, (slowCalls.get(id) ?? 0) + 1);
  setTimeout(() => res.end(JSON.stringify({ id })), 4000);
});
await new Promise((resolve) => slow.listen(0, "127.0.0.1", resolve));
after(() => new Promise((resolve) => slow.close(resolve)));
const slowUrl = `http://127.0.0.1:${slow.address().port}`;

let key = "";
async function api(path, init = {}) {
  const res = await fetch(base + path, {
    ...init,
    headers: {
      "content-type": "application/json",
      origin: base,
      ...(key && { authorization: `Bearer ${key}` }),
      ...init.headers,
    },
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

async function signUp() {
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({
      email: `crash-${Date.now()}@example.test`,
      password: "crash-password-1",
      name: "C",
    }),
  });
  assert.equal(res.status, 200, await res.text());
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const created = await api("/api/api-keys", {
    method: "POST",
    json: { name: "crash" },
    headers: { cookie },
  });
  assert.equal(created.status, 201);
  key = created.body.key;
}

const node = (id, type, name, parameters = {}, x = 0) => ({
  id,
  type,
  name,
  position: { x, y: 0 },
  parameters,
});
const edge = (source, target, sourceHandle = "main") => ({
  id: `${source}-${target}-${sourceHandle}`,
  source,
  target,
  sourceHandle,
});

async function saveWorkflow(name, nodes, edges) {
  const res = await api("/api/workflows", { method: "POST", json: { name, nodes, edges } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}
const run = async (workflowId, json = {}) => {
  const res = await api(`/api/workflows/${workflowId}/run`, { method: "POST", json });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.executionId;
};
const execution = async (id) => (await api(`/api/executions/${id}`)).body;
const FINISHED = ["success", "error", "canceled"];

test("every run survives a SIGKILL of the whole npm run dev process group, and none runs twice", async () => {
  dev = startDev();
  await until("npm run dev to be ready", async () => (await fetch(`${base}/api/openapi.json`)).ok, 240_000);
  await signUp();

  const waitWf = await saveWorkflow(
    "Wait",
    [
      node("m", "manualTrigger", "Start"),
      node("w", "wait", "Wait", { seconds: 25 }, 200),
      node("d", "set", "After", { fields: { n: "{{ $json.n }}" } }, 400),
    ],
    [edge("m", "w"), edge("w", "d")],
  );
  const eventWf = await saveWorkflow(
    "Approval",
    [
      node("m", "manualTrigger", "Start"),
      node("e", "waitForEvent", "Approval", { event: "approve", timeoutSeconds: 3600 }, 200),
      node("d", "set", "Approved", { fields: { by: "{{ $json.by }}" } }, 400),
    ],
    [edge("m", "e"), edge("e", "d")],
  );
  const loopWf = await saveWorkflow(
    "Loop",
    [
      node("m", "manualTrigger", "Start"),
      node("l", "forEach", "Each", { items: "{{ $json.list }}" }, 200),
      node("b", "set", "Square", { fields: { sq: "{{ $item.value * $item.value }}" } }, 400),
      node("t", "set", "Total", { fields: { count: "{{ $json.count }}" } }, 600),
    ],
    [edge("m", "l"), edge("l", "b", "item"), edge("l", "t", "done")],
  );
  const hook = await saveWorkflow(
    "Hook",
    [
      node("h", "webhookTrigger", "Hook", { method: "POST", respond: "immediately" }),
      node("d", "set", "Echo", { fields: { id: "{{ $json.body.id }}" } }, 200),
    ],
    [edge("h", "d")],
  );
  assert.equal((await api(`/api/workflows/${hook.id}/activate`, { method: "POST" })).status, 200);
  const webhookId = hook.nodes.find((n) => n.id === "h").webhookId;
  const fastRes = await api("/api/workflows", {
    method: "POST",
    json: {
      name: "Fast",
      settings: { executionMode: "fast" },
      nodes: [
        node("h", "webhookTrigger", "Hook", { method: "POST", respond: "immediately" }),
        node(
          "c",
          "httpRequest",
          "Slow",
          { method: "GET", url: `${slowUrl}/?id={{ $json.body.id }}`, responseType: "json" },
          200,
        ),
      ],
      edges: [edge("h", "c")],
    },
  });
  assert.equal(fastRes.status, 201, JSON.stringify(fastRes.body));
  const fast = fastRes.body;
  assert.equal((await api(`/api/workflows/${fast.id}/activate`, { method: "POST" })).status, 200);
  const fastHookId = fast.nodes.find((n) => n.id === "h").webhookId;

  const waits = [
    await run(waitWf.id, { n: 1 }),
    await run(waitWf.id, { n: 2 }),
    await run(waitWf.id, { n: 3 }),
  ];
  const waitsDueAt = Date.now() + 25_000;
  const eventRun = await run(eventWf.id);
  const loopRun = await run(loopWf.id, { list: Array.from({ length: 100 }, (_, i) => i) });
  for (const id of [...waits, eventRun])
    await until(`${id} waiting`, async () => (await execution(id)).status === "waiting", 60_000);

  // A burst of webhook calls right before the crash: some are still queued or running when it comes.
  const burstIds = Array.from({ length: 20 }, (_, i) => `call-${i}`);
  const answers = await Promise.all(
    burstIds.map((id) =>
      fetch(`${base}/webhooks/${webhookId}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id }),
      }).then(async (r) => ({ status: r.status, body: await r.text() })),
    ),
  );
  for (const a of answers) assert.equal(a.status, 202, `${a.body}\n--- dev log ---\n${log}`);
  // Fast runs (in-process, no instance) cut off mid-call: each is recorded before its 202.
  const fastIds = Array.from({ length: 5 }, (_, i) => `fast-${i}`);
  for (const id of fastIds) {
    const r = await fetch(`${base}/webhooks/${fastHookId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id }),
    });
    assert.equal(r.status, 202, await r.text());
  }

  // The crash: every process of npm run dev (node, wrangler, workerd) at once, no chance to clean up.
  killGroup(dev, "SIGKILL");
  await exited(dev);
  const restartedAt = Date.now();
  dev = startDev({ SKIP_BUILD: "1" });
  await until(
    "npm run dev to be ready again",
    async () => (await fetch(`${base}/api/openapi.json`)).ok,
    240_000,
  );

  // Waits finish within 90 s of their due time (or of the restart, if that is later).
  const waitDeadline = Math.max(waitsDueAt, restartedAt) + 90_000;
  for (const id of waits) {
    const done = await until(
      `wait run ${id} to finish`,
      async () => {
        const e = await execution(id);
        return FINISHED.includes(e.status) && e;
      },
      waitDeadline - Date.now(),
    );
    assert.equal(done.status, "success", JSON.stringify(done.error));
    const after = done.steps.find((s) => s.nodeId === "d");
    assert.equal(after.status, "success");
    assert.equal(after.attempts, 1, "the node after the wait ran once");
  }

  const sent = await api(`/api/executions/${eventRun}/events/approve`, {
    method: "POST",
    json: { by: "ada" },
  });
  assert.equal(sent.status, 202);
  const approved = await until(
    "the event run to finish",
    async () => {
      const e = await execution(eventRun);
      return FINISHED.includes(e.status) && e;
    },
    120_000,
  );
  assert.equal(approved.status, "success", JSON.stringify(approved.error));
  assert.deepEqual(approved.steps.find((s) => s.nodeId === "d").output, { by: "ada" });

  const loop = await until(
    "the loop run to finish",
    async () => {
      const e = await execution(loopRun);
      return FINISHED.includes(e.status) && e;
    },
    180_000,
  );
  assert.equal(loop.status, "success", JSON.stringify(loop.error));
  // The body ran for every element (at least once each: an element's step cut by the crash runs again).
  const bodySteps = loop.steps.filter((s) => s.nodeId === "b" && s.status === "success");
  assert.ok(bodySteps.length >= 1, JSON.stringify(loop.steps.map((s) => [s.nodeId, s.status])));
  // …and `done` handed on all 100 results, in element order.
  const total = loop.steps.find((s) => s.nodeId === "t");
  assert.equal(total?.status, "success", JSON.stringify(loop.steps.map((s) => [s.nodeId, s.status])));
  assert.equal(total.output.count, 100);
  // One success record per element of the body node, for every element.
  const items = await api(`/api/executions/${loopRun}/items?nodeId=b&status=success&limit=500`);
  assert.equal(items.status, 200, JSON.stringify(items.body));
  assert.deepEqual(
    items.body.items.map((s) => s.itemIndex).sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.ok(items.body.items.every((s) => s.output.sq === s.itemIndex * s.itemIndex));

  // One execution per webhook call, each successful, none twice.
  const hookRuns = await until(
    "every webhook run to finish",
    async () => {
      const list = await api(`/api/executions?workflowId=${hook.id}&limit=100`);
      const items = list.body.items;
      return items.length >= burstIds.length && items.every((e) => FINISHED.includes(e.status)) && items;
    },
    180_000,
  );
  assert.equal(hookRuns.length, burstIds.length, "one execution per accepted call");
  assert.ok(
    hookRuns.every((e) => e.status === "success"),
    JSON.stringify(hookRuns.map((e) => e.status)),
  );
  const echoed = [];
  for (const e of hookRuns)
    echoed.push((await execution(e.id)).steps.find((s) => s.nodeId === "d").output.id);
  assert.deepEqual(echoed.sort(), [...burstIds].sort(), "each call ran exactly once");

  // Fast runs the crash cut off are handed to the durable engine and end once each (at least once for
  // the node's call: a cut-off call is made again).
  const fastRuns = await until(
    "every fast run to finish",
    async () => {
      const items = (await api(`/api/executions?workflowId=${fast.id}&limit=100`)).body.items;
      return items.length >= fastIds.length && items.every((e) => FINISHED.includes(e.status)) && items;
    },
    240_000,
  );
  assert.equal(fastRuns.length, fastIds.length, "one execution per accepted fast call");
  assert.ok(
    fastRuns.every((e) => e.status === "success"),
    JSON.stringify(fastRuns.map((e) => [e.status, e.error])),
  );
  const fetched = [];
  for (const e of fastRuns)
    fetched.push((await execution(e.id)).steps.find((s) => s.nodeId === "c").output.body.id);
  assert.deepEqual(fetched.sort(), [...fastIds].sort());
  for (const id of fastIds) assert.ok(slowCalls.get(id) >= 1, `the slow upstream saw ${id}`);
});
