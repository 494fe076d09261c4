#!/usr/bin/env node
/**
 * Code node benchmark: what a `code` node costs next to a `set` node doing the same work, under
 * `wrangler dev` (fresh local state). The workflow is Manual → "Sum (set)" → "Sum (code)": both sum a
 * 1,000-number list from the trigger payload, the set node with `{{ $sum($trigger.numbers) }}` (JSONata),
 * the code node with `return { sum: $trigger.numbers.reduce((a, b) => a + b, 0) };` in QuickJS.
 *
 * Measured from the step records (finishedAt − startedAt, ms): the in-step time of each node and the
 * difference code − set, which is what the sandbox adds (a new QuickJS runtime and context, copying the
 * data in, running the code, reading the JSON out).
 * - warm: the isolate's QuickJS engine is already loaded (every run after the first);
 * - cold: the engine must be loaded first (0.5 MB of WebAssembly instantiated). To get a cold run on the
 *   same server, a workflow whose code node allocates past the memory limit runs first: after a run that
 *   hit a limit the engine instance is thrown away, so the next code node loads a new one.
 *
 * Usage: node bench/code-node.mjs [--runs N] [--cold N] [--port P]
 */
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { apiClient, parseArgs, signUpForKey, startWranglerDev } from "./lib/wrangler-dev.mjs";

const args = parseArgs();
const RUNS = Number(args.runs ?? 30);
const COLD = Number(args.cold ?? 8);
const PORT = Number(args.port ?? (await freePort()));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dev = await startWranglerDev({ port: PORT, statePrefix: "nodebase-bench-code-" });
const api = apiClient(dev.base, { requestTimeoutMs: 60_000 });
const numbers = Array.from({ length: 1000 }, (_, i) => i + 1);

const node = (id, type, name, x, parameters) => ({ id, type, name, position: { x, y: 0 }, parameters });
const edge = (source, target) => ({ id: `${source}-${target}`, source, target, sourceHandle: "main" });

async function createWorkflow(key, document) {
  const res = await api("/api/workflows", { method: "POST", body: JSON.stringify(document) }, key);
  if (res.status !== 201) throw new Error(`create ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

async function run(key, workflowId, expect) {
  const res = await api(
    `/api/workflows/${workflowId}/run`,
    { method: "POST", body: JSON.stringify({ numbers }) },
    key,
  );
  if (res.status !== 201) throw new Error(`run ${res.status} ${await res.text()}`);
  const { executionId } = await res.json();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const e = await (await api(`/api/executions/${executionId}`, {}, key)).json();
    if (["success", "error", "canceled"].includes(e.status)) {
      if (e.status !== expect) throw new Error(`execution ended ${e.status}: ${JSON.stringify(e.error)}`);
      return e;
    }
    if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${e.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const inStep = (e, id) => {
  const s = e.steps.find((step) => step.nodeId === id);
  return new Date(s.finishedAt).getTime() - new Date(s.startedAt).getTime();
};
function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (n) => (Number.isFinite(n) ? n.toFixed(1) : "n/a");

function report(label, samples) {
  const set = samples.map((s) => s.set);
  const code = samples.map((s) => s.code);
  const added = samples.map((s) => s.code - s.set);
  console.log(`${label} (${samples.length} runs)`);
  console.log(`  set node in-step ms    p50 ${fmt(pct(set, 50))}  p95 ${fmt(pct(set, 95))}`);
  console.log(`  code node in-step ms   p50 ${fmt(pct(code, 50))}  p95 ${fmt(pct(code, 95))}`);
  console.log(`  added by code ms       p50 ${fmt(pct(added, 50))}  p95 ${fmt(pct(added, 95))}`);
  console.log(`  ratio code/set (p50)   ${fmt(pct(code, 50) / pct(set, 50))}`);
  return { p50: pct(added, 50), p95: pct(added, 95) };
}

async function main() {
  await dev.waitReady(async (base) => (await fetch(`${base}/api/node-types`)).status === 401, 90_000);
  const key = await signUpForKey(api);
  const sums = await createWorkflow(key, {
    name: "Sum: set vs code",
    nodes: [
      node("m", "manualTrigger", "Manual", 0, {}),
      node("s", "set", "Sum (set)", 240, { fields: { sum: "{{ $sum($trigger.numbers) }}" } }),
      node("c", "code", "Sum (code)", 480, {
        code: "return { sum: $trigger.numbers.reduce((a, b) => a + b, 0) };",
      }),
    ],
    edges: [edge("m", "s"), edge("s", "c")],
  });
  const reset = await createWorkflow(key, {
    name: "Engine reset (hits the memory limit)",
    nodes: [
      node("m", "manualTrigger", "Manual", 0, {}),
      node("r", "code", "Reset", 240, {
        code: "const keep = []; for (;;) keep.push(new Float64Array(1 << 20));",
      }),
    ],
    edges: [edge("m", "r")],
  });
  const sample = (e) => {
    const c = e.steps.find((s) => s.nodeId === "c");
    if (c.output.sum !== 500500) throw new Error(`wrong sum ${JSON.stringify(c.output)}`);
    return { set: inStep(e, "s"), code: inStep(e, "c") };
  };

  await run(key, sums, "success"); // the first run warms the server (and loads the engine)
  const warm = [];
  for (let i = 0; i < RUNS; i++) warm.push(sample(await run(key, sums, "success")));
  const cold = [];
  for (let i = 0; i < COLD; i++) {
    await run(key, reset, "error");
    cold.push(sample(await run(key, sums, "success")));
  }

  console.log(`code node vs set node, sum over 1,000 numbers — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const w = report("warm (engine loaded)", warm);
  const c = report("cold (engine loaded by this run)", cold);
  console.log(`cold start adds (p50 cold − p50 warm, code − set): ${fmt(c.p50 - w.p50)} ms`);
}

main()
  .then(() => dev.shutdown())
  .catch(async (err) => {
    console.error(err);
    await dev.shutdown();
    process.exit(1);
  });
