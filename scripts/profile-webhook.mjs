#!/usr/bin/env node
/**
 * Where a webhook run's CPU goes: starts `wrangler dev` (bench/lib/wrangler-dev.mjs), creates the
 * benchmark's Webhook → Set workflow, samples the Worker isolate with V8's profiler over its inspector
 * while it answers N calls one at a time, and prints self time per source module and per function.
 *
 * Only our Worker's isolate is sampled: local D1 and Workflows run in other isolates of the same workerd,
 * so time spent there shows up as idle here (and in "wall ms per call", which includes it).
 *
 * Usage: node scripts/profile-webhook.mjs [--mode fast|durable] [--respond immediately|lastNode] [--calls N]
 *   [--dump DIR] (writes each sampled script's source there, to read a line the table names)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import {
  apiClient,
  createWebhookSetWorkflow,
  freePort,
  parseArgs,
  signUpForKey,
  startWranglerDev,
  WEBHOOK_BENCH_VARS,
} from "../bench/lib/wrangler-dev.mjs";

const args = parseArgs();
const MODE = args.mode ?? "fast";
const RESPOND = args.respond ?? "lastNode";
const CALLS = Number(args.calls ?? 1000);
const port = await freePort();
const inspectorPort = await freePort();

// Plain `wrangler dev` (not the supervised one): the profiler attaches to its inspector port.
const dev = await startWranglerDev({
  port,
  inspectorPort,
  statePrefix: "nodebase-profile-",
  vars: WEBHOOK_BENCH_VARS,
});
await dev.waitReady(
  async (base) => (await fetch(`${base}/webhooks/not-a-hook`, { method: "POST" })).status === 404,
  90_000,
);
const api = apiClient(dev.base);
const key = await signUpForKey(api);
const { webhookId } = await createWebhookSetWorkflow(api, key, { respond: RESPOND, executionMode: MODE });
const url = `${dev.base}/webhooks/${webhookId}`;
const call = () =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"n":21}' }).then(
    (r) => r.arrayBuffer(),
  );
for (let i = 0; i < 50; i++) await call(); // warm: first calls compile and open the database

const inspector = await connectInspector(inspectorPort);
// The debugger knows the scripts' sources (for the module names below).
await inspector.send("Debugger.enable");
await inspector.send("Profiler.enable");
await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
await inspector.send("Profiler.start");
const started = performance.now();
for (let i = 0; i < CALLS; i++) await call();
const wall = performance.now() - started;
const { profile } = await inspector.send("Profiler.stop");
const modules = await moduleMap(inspector, profile);
inspector.close();
await dev.shutdown();

report(profile, modules, wall);

/** The Worker's inspector target (wrangler's proxy lists it at /json). */
async function connectInspector(port) {
  const deadline = Date.now() + 30_000;
  let target;
  while (!target && Date.now() < deadline) {
    try {
      const list = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
      target = list.find((t) => t.webSocketDebuggerUrl);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  let nextId = 1;
  const pending = new Map();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
    else waiter.resolve(message.result);
  });
  return {
    send(method, params = {}) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    close: () => socket.close(),
  };
}

/**
 * scriptId → line → source module, from the `// path/to/file.ts` comments esbuild writes before each
 * module of the (unminified) bundle wrangler serves.
 */
async function moduleMap(inspector, profile) {
  const scripts = new Set(profile.nodes.map((n) => n.callFrame.scriptId).filter((id) => id && id !== "0"));
  const map = new Map();
  for (const scriptId of scripts) {
    try {
      const { scriptSource } = await inspector.send("Debugger.getScriptSource", { scriptId });
      if (args.dump) writeFileSync(join(args.dump, `script-${scriptId}.js`), scriptSource);
      const starts = [];
      scriptSource.split("\n").forEach((line, i) => {
        const m = /^\/\/ (\S+\.(?:ts|js|mjs|cjs|tsx))$/.exec(line);
        if (m) starts.push([i, m[1].replace(/^.*node_modules\//, "npm:")]);
      });
      map.set(scriptId, starts);
    } catch {
      // a script the debugger no longer knows (e.g. eval'd): grouped by URL below
    }
  }
  return map;
}

function moduleOf(modules, frame) {
  const starts = modules.get(frame.scriptId);
  if (!starts?.length) return frame.url || "(native)";
  let lo = 0;
  let hi = starts.length - 1;
  let found = "(bundle prologue)";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid][0] <= frame.lineNumber) {
      found = starts[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function report(profile, modules, wallMs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const perModule = new Map();
  const perFunction = new Map();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || "(anonymous)";
    if (name === "(idle)" || name === "(program)") continue;
    busyUs += us;
    // V8's own entries ("(garbage collector)") have no source; anonymous functions do.
    const module = callFrame.functionName.startsWith("(") ? name : moduleOf(modules, callFrame);
    perModule.set(module, (perModule.get(module) ?? 0) + us);
    const fn = `${name} ${module}:${callFrame.lineNumber + 1}`;
    perFunction.set(fn, (perFunction.get(fn) ?? 0) + us);
  }
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([what, us]) => ({
        what,
        "ms per call": +(us / 1000 / CALLS).toFixed(3),
        share: `${((100 * us) / busyUs).toFixed(1)} %`,
      }));
  console.log(
    `${MODE} / ${RESPOND}, ${CALLS} calls one at a time: wall ${(wallMs / CALLS).toFixed(2)} ms per call, ` +
      `Worker isolate busy ${(busyUs / 1000 / CALLS).toFixed(2)} ms per call (the rest: D1, Workflows, wrangler's proxy, idle)`,
  );
  console.table(top(perModule, 25));
  console.table(top(perFunction, 40));
}
