#!/usr/bin/env node
/**
 * The security review's attacks (issue 13), replayed against a dev server while a second user keeps
 * asking it for their workflow list: does every attack fail cleanly, and does the bystander keep getting
 * answers? For each attack it prints what the attacker got, and the bystander's answer times during it
 * (p50 / p95 / max, failures) next to the quiet baseline. Numbers, not verdicts: docs/benchmarks.md
 * records them with the machine's load.
 *
 * Attacks: a backtracking regex; an expression that allocates ~800 MB; 240 KB and 1 MiB of repeated form
 * fields to a public webhook; a 60-node run of ~915 KB per node, then 8 live sockets on it and more than
 * the cap; 499 parallel `set` nodes; a `code` node's endless loop (5 s time limit); 150 concurrent
 * `POST /run`; 101 wrong sign-ins.
 *
 * Usage: node bench/attacks.mjs [--base http://127.0.0.1:8787] [--only regex,alloc,…] [--probe /api/…]
 *        [--vars K=V,…]
 * Without `--base` it starts its own `wrangler dev` on fresh state (and reports its RSS) and stops it by PID.
 */
import { loadavg } from "node:os";
import { treeRss } from "./lib/process-rss.mjs";
import { apiClient, freePort, parseArgs, signUpForKey, startWranglerDev } from "./lib/wrangler-dev.mjs";

if (typeof WebSocket === "undefined") {
  // Node 20 has WebSocket behind a flag: run this script again with it.
  const { spawnSync } = await import("node:child_process");
  const again = spawnSync(
    process.execPath,
    ["--experimental-websocket", "--no-warnings", ...process.argv.slice(1)],
    { stdio: "inherit" },
  );
  process.exit(again.status ?? 1);
}

const args = parseArgs();
// What the bystander asks for: its own workflow list (auth + D1), or e.g. /api/openapi.json (neither).
const PROBE = args.probe ?? "/api/workflows";
// Extra Worker variables for a server this script starts: --vars MAX_RUNNING_PER_USER=0,K=V
const VARS = Object.fromEntries(
  (args.vars ?? "")
    .split(",")
    .filter(Boolean)
    .map((kv) => kv.split("=")),
);
const only = args.only ? new Set(args.only.split(",")) : null;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let base = args.base;
let dev;
if (!base) {
  dev = await startWranglerDev({
    port: Number(args.port ?? (await freePort())),
    statePrefix: "nodebase-attacks-",
  });
  await dev.waitReady(async (b) => (await fetch(`${b}/api/openapi.json`)).ok, 120_000);
  base = dev.base;
}
const api = apiClient(base, { requestTimeoutMs: 120_000 });
const rss = () => (dev ? `${treeRss(dev.pid).toFixed(0)} MiB` : "n/a (--base)");

const node = (id, type, name, parameters = {}, x = 0, y = 0) => ({
  id,
  type,
  name,
  position: { x, y },
  parameters,
});
const chain = (ids) =>
  ids.slice(1).map((id, i) => ({ id: `e${i}`, source: ids[i], target: id, sourceHandle: "main" }));

async function createWorkflow(key, doc) {
  const res = await api("/api/workflows", { method: "POST", body: JSON.stringify(doc) }, key);
  if (res.status !== 201) throw new Error(`create "${doc.name}": ${res.status} ${await res.text()}`);
  return res.json();
}

async function run(key, workflowId, body = {}) {
  const res = await api(
    `/api/workflows/${workflowId}/run`,
    { method: "POST", body: JSON.stringify(body) },
    key,
  );
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** Waits for an execution to end; returns it (first page of steps only). */
async function finished(key, executionId, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const e = await (await api(`/api/executions/${executionId}?stepsLimit=1`, {}, key)).json();
    if (["success", "error", "canceled"].includes(e.status)) return e;
    await sleep(500);
  }
  throw new Error(`execution ${executionId} did not end within ${timeoutMs} ms`);
}

/** Phases an attack passes (`mark("sockets")`): a slow bystander answer is reported with the phase it began in. */
const marks = [];
const mark = (label) => marks.push({ label, at: Date.now() });
const phaseAt = (t) => marks.filter((m) => m.at <= t).at(-1)?.label ?? "start";
/** Answers slower than this are listed one by one, with their phase. */
const SLOW_MS = 300;

/** The bystander: asks for their workflow list back to back (100 ms apart) until stopped. */
function bystander(key) {
  let window = [];
  let slow = [];
  let failures = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      try {
        const res = await api(PROBE, {}, key);
        await res.arrayBuffer();
        if (!res.ok) failures++;
      } catch {
        failures++;
      }
      window.push(Date.now() - t);
      if (Date.now() - t > SLOW_MS) slow.push(`${Date.now() - t} ms in "${phaseAt(t)}"`);
      await sleep(100);
    }
  })();
  return {
    /** Starts a new measuring window; returns the last one's answer times and failures. */
    cut() {
      const out = { times: window, failures, slow };
      window = [];
      slow = [];
      failures = 0;
      return out;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
function describe({ times, failures, slow }) {
  const s = [...times].sort((a, b) => a - b);
  const slowest = slow.length ? `; over ${SLOW_MS} ms: ${slow.slice(0, 8).join(", ")}` : "";
  return `${s.length} answers, p50 ${pct(s, 50)} ms, p95 ${pct(s, 95)} ms, max ${s.at(-1) ?? 0} ms, ${failures} failed${slowest}`;
}

/** A one-node expression attack: manual trigger → set with `expression`; returns the run's end. */
async function expressionAttack(key, name, expression) {
  const wf = await createWorkflow(key, {
    name,
    nodes: [
      node("t", "manualTrigger", "Start"),
      node("s", "set", "Attack", { fields: { v: expression } }, 240),
    ],
    edges: chain(["t", "s"]),
  });
  const started = Date.now();
  const r = await run(key, wf.id);
  if (r.status !== 201) return `run refused: ${r.status} ${JSON.stringify(r.body)}`;
  const e = await finished(key, r.body.executionId);
  return `${e.status} after ${Date.now() - started} ms: ${JSON.stringify(e.error?.message ?? e.steps?.[0]?.error ?? "").slice(0, 160)}`;
}

const attacks = {
  async regex(key) {
    return expressionAttack(key, "Regex", "{{ $match($pad('', 40, 'a') & '!', /^(a+)+$/) }}");
  },
  async alloc(key) {
    return expressionAttack(key, "Allocation", "{{ $count([1..400].$pad('', 1999999, 'x')) }}");
  },
  async form(key) {
    const wf = await createWorkflow(key, {
      name: "Form intake",
      nodes: [node("w", "webhookTrigger", "Hook", { method: "POST", respond: "immediately" })],
      edges: [],
    });
    const act = await api(`/api/workflows/${wf.id}/activate`, { method: "POST" }, key);
    if (!act.ok) throw new Error(`activate ${act.status} ${await act.text()}`);
    const hook = (await act.json()).nodes[0].webhookId;
    const out = [];
    for (const bytes of [240 * 1024, 1024 * 1024 - 2]) {
      const t = Date.now();
      const res = await fetch(`${base}/webhooks/${hook}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=&".repeat(Math.floor(bytes / 3)),
      });
      await res.arrayBuffer();
      out.push(`${(bytes / 1024).toFixed(0)} KiB → ${res.status} in ${Date.now() - t} ms`);
    }
    return out.join("; ");
  },
  async bigRun(key) {
    const ids = ["t", ...Array.from({ length: 60 }, (_, i) => `n${i}`)];
    const wf = await createWorkflow(key, {
      name: "60 × 915 KB",
      nodes: [
        node("t", "manualTrigger", "Start"),
        ...ids
          .slice(1)
          .map((id, i) =>
            node(id, "set", `Big ${i}`, { fields: { v: "{{ $pad('', 915000, 'x') }}" } }, 240 * (i + 1)),
          ),
      ],
      edges: chain(ids),
    });
    const before = rss();
    const started = Date.now();
    mark("big run");
    const r = await run(key, wf.id);
    if (r.status !== 201) return `run refused: ${r.status} ${JSON.stringify(r.body)}`;
    const e = await finished(key, r.body.executionId);
    mark("GET execution");
    const page = await api(`/api/executions/${r.body.executionId}`, {}, key);
    const bytes = (await page.arrayBuffer()).byteLength;
    const lines = [
      `run ${e.status} in ${Date.now() - started} ms (${String(e.error?.message ?? "").slice(0, 100)}); GET /api/executions/:id ${page.status}, ${(bytes / 1048576).toFixed(2)} MiB; RSS ${before} → ${rss()}`,
    ];
    // Live sockets: 8 on this run, then up to the cap and one past it.
    const url = `${base.replace(/^http/, "ws")}/api/executions/${r.body.executionId}/live`;
    mark("live sockets");
    const sockets = [];
    const outcomes = { open: 0, refused: 0, firstMessageBytes: [] };
    for (let i = 0; i < 21; i++) {
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${key}`, origin: base } });
      sockets.push(ws);
      await new Promise((resolve) => {
        ws.addEventListener(
          "message",
          (m) => {
            outcomes.firstMessageBytes.push(String(m.data).length);
            resolve();
          },
          { once: true },
        );
        ws.addEventListener("open", () => outcomes.open++, { once: true });
        ws.addEventListener("error", () => (outcomes.refused++, resolve()), { once: true });
        setTimeout(resolve, 10_000);
      });
      if (i === 7) lines.push(`8 sockets: RSS ${rss()}`);
    }
    const sizes = outcomes.firstMessageBytes;
    lines.push(
      `21 sockets: ${outcomes.open} opened, ${outcomes.refused} refused; first message ${Math.min(...sizes)}–${Math.max(...sizes)} bytes; RSS ${rss()}`,
    );
    for (const ws of sockets) ws.close();
    return lines.join("\n    ");
  },
  async parallel(key) {
    const sets = Array.from({ length: 499 }, (_, i) =>
      node(`s${i}`, "set", `Branch ${i}`, { fields: { i: `${i}` } }, 240, i * 80),
    );
    const wf = await createWorkflow(key, {
      name: "499 branches",
      nodes: [node("t", "manualTrigger", "Start"), ...sets],
      edges: sets.map((s, i) => ({ id: `e${i}`, source: "t", target: s.id, sourceHandle: "main" })),
    });
    const started = Date.now();
    const r = await run(key, wf.id);
    if (r.status !== 201) return `run refused: ${r.status} ${JSON.stringify(r.body)}`;
    const e = await finished(key, r.body.executionId);
    return `${e.status} in ${Date.now() - started} ms`;
  },
  async endlessCode(key) {
    // issue 12: a code node that never ends, stopped by its time limit (the default 5 s).
    const wf = await createWorkflow(key, {
      name: "Endless code",
      nodes: [
        node("t", "manualTrigger", "Start"),
        node("c", "code", "Loop", { code: "while (true) {}", timeoutMs: 5000 }, 240),
      ],
      edges: chain(["t", "c"]),
    });
    const started = Date.now();
    const r = await run(key, wf.id);
    if (r.status !== 201) return `run refused: ${r.status} ${JSON.stringify(r.body)}`;
    const e = await finished(key, r.body.executionId);
    return `${e.status} in ${Date.now() - started} ms (${String(e.error?.message ?? "").slice(0, 100)})`;
  },
  async runStorm(key) {
    const wf = await createWorkflow(key, {
      name: "Run storm",
      nodes: [node("t", "manualTrigger", "Start"), node("s", "set", "Set", { fields: { ok: "yes" } }, 240)],
      edges: chain(["t", "s"]),
    });
    const started = Date.now();
    mark("150 starts");
    const answers = await Promise.all(Array.from({ length: 150 }, () => run(key, wf.id)));
    const answered = Date.now() - started;
    mark("150 starts: runs");
    const byStatus = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    const refusals = new Set(answers.filter((a) => a.status >= 500).map((a) => JSON.stringify(a.body)));
    for (const r of refusals) console.log(`    5xx answer: ${r.slice(0, 300)}`);
    const accepted = answers.filter((a) => a.status === 201).map((a) => a.body.executionId);
    const ends = await Promise.all(accepted.map((id) => finished(key, id)));
    const endStatus = {};
    for (const e of ends) endStatus[e.status] = (endStatus[e.status] ?? 0) + 1;
    return `answers ${JSON.stringify(byStatus)} within ${answered} ms; accepted runs ended ${JSON.stringify(endStatus)} after ${Date.now() - started} ms`;
  },
  async signIn() {
    const byStatus = {};
    const started = Date.now();
    for (let i = 0; i < 101; i++) {
      const res = await api("/api/auth/sign-in/email", {
        method: "POST",
        body: JSON.stringify({ email: "victim@example.test", password: `guess-${i}-xxxxxx` }),
      });
      await res.arrayBuffer();
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    }
    return `101 attempts in ${Date.now() - started} ms: ${JSON.stringify(byStatus)}`;
  },
};

try {
  console.log(`${new Date().toISOString()} · load average ${load()} · dev server RSS ${rss()}`);
  const bystanderKey = await signUpForKey(api);
  await createWorkflow(bystanderKey, {
    name: "Mine",
    nodes: [node("t", "manualTrigger", "Start")],
    edges: [],
  });
  const watch = bystander(bystanderKey);
  await sleep(5_000);
  console.log(`quiet: bystander ${describe(watch.cut())}`);
  for (const [name, attack] of Object.entries(attacks)) {
    if (only && !only.has(name)) continue;
    // Each attack is a new user, so one attack's rate limits and storage never shape the next.
    const key = await signUpForKey(api);
    watch.cut();
    mark(name);
    let outcome;
    try {
      outcome = await attack(key);
    } catch (err) {
      outcome = `FAILED: ${err.message}`;
    }
    console.log(`${name}: ${outcome}\n    bystander ${describe(watch.cut())} · load ${load()}`);
    await sleep(2_000);
  }
  await watch.stop();
} finally {
  await dev?.shutdown();
}
