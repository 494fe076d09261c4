#!/usr/bin/env node
/**
 * Engine benchmark: linear workflows of 10 and 50 `set` nodes run many times under `wrangler dev`
 * (fresh local state), timed from the execution and step records the engine writes.
 *
 * What is measured (all from D1 timestamps, ms):
 * - executions/s: completed runs / wall time, with CONCURRENCY runs in flight at once.
 * - per-node time: (execution finishedAt − startedAt) / nodes, for runs made one at a time.
 * - gap between nodes: next step startedAt − previous step finishedAt. This is pure engine overhead:
 *   persisting the step result, scheduling the next node, starting its step. No node code runs in it.
 * - in-step time: step finishedAt − startedAt. Engine work inside the step (D1 writes of the step record,
 *   live publish to the RunRoom, expression evaluation, parameter validation) plus the node's own `run`.
 * - engine overhead per node = gap + in-step time − the node's own work. A `set` node's own work
 *   (building a one-field object) is measured in-process below; it is microseconds, so it is subtracted
 *   as measured rather than guessed.
 *
 * Usage: node bench/engine.mjs [--runs N] [--seconds S] [--port P]
 */
import { cpus } from "node:os";
import { apiClient, freePort, parseArgs, signUpForKey, startWranglerDev } from "./lib/wrangler-dev.mjs";

const args = parseArgs();
const PORT = Number(args.port ?? (await freePort()));
const RUNS = Number(args.runs ?? 20);
const SECONDS = Number(args.seconds ?? 60);
const CONCURRENCY = Number(args.concurrency ?? 4);
const SIZES = [10, 50];
// A request that takes this long means the dev server is stuck: fail loudly instead of waiting 5 min.
const REQUEST_TIMEOUT_MS = 60_000;

function log(...a) {
  console.log(...a);
}

const dev = await startWranglerDev({ port: PORT, statePrefix: "nodebase-bench-" });
const { stop } = dev;
const api = apiClient(dev.base, { requestTimeoutMs: REQUEST_TIMEOUT_MS });

async function createChain(key, size) {
  const nodes = [{ id: "t", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} }];
  const edges = [];
  for (let i = 1; i <= size; i++) {
    nodes.push({
      id: `s${i}`,
      type: "set",
      name: `Set ${i}`,
      position: { x: i * 200, y: 0 },
      parameters: { fields: { i: "{{ $json.i + 1 }}" } },
    });
    edges.push({ id: `e${i}`, source: i === 1 ? "t" : `s${i - 1}`, target: `s${i}`, sourceHandle: "main" });
  }
  const res = await api(
    "/api/workflows",
    { method: "POST", body: JSON.stringify({ name: `Chain ${size}`, nodes, edges }) },
    key,
  );
  if (res.status !== 201) throw new Error(`create ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

/** Runs that could not start (503 start_failed: the Workflow instance was not created), with why. */
const startFailures = [];

async function runOnce(key, workflowId) {
  let res;
  for (let attempt = 1; ; attempt++) {
    res = await api(
      `/api/workflows/${workflowId}/run`,
      { method: "POST", body: JSON.stringify({ i: 0 }) },
      key,
    );
    if (res.status !== 503 || attempt === 3) break;
    // Either the engine could not create the instance (JSON error; the execution is recorded `error`), or
    // wrangler dev's workerd restarted under load ("Your worker restarted mid-request", text). Note which.
    const text = await res.text();
    let reason = text.slice(0, 80);
    try {
      reason = JSON.parse(text).error?.message ?? reason;
    } catch {
      // a text answer from wrangler dev itself
    }
    startFailures.push(reason);
  }
  if (res.status !== 201) throw new Error(`run ${res.status} ${await res.text()}`);
  const { executionId } = await res.json();
  const deadline = Date.now() + 180_000;
  for (;;) {
    const e = await (await api(`/api/executions/${executionId}`, {}, key)).json();
    if (["success", "error", "canceled"].includes(e.status)) {
      if (e.status !== "success")
        throw new Error(`execution ${executionId} ended ${e.status}: ${JSON.stringify(e.error)}`);
      return e;
    }
    if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${e.status} after 180 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const t = (iso) => new Date(iso).getTime();
function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (n) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");

/** Timings of one finished execution of a chain (trigger + `size` set nodes). */
function timings(e, size) {
  const steps = e.steps.filter((s) => s.status === "success");
  const order = ["t", ...Array.from({ length: size }, (_, i) => `s${i + 1}`)];
  const byId = new Map(steps.map((s) => [s.nodeId, s]));
  const gaps = [];
  const inStep = [];
  for (let i = 0; i < order.length; i++) {
    const s = byId.get(order[i]);
    inStep.push(t(s.finishedAt) - t(s.startedAt));
    if (i > 0) gaps.push(t(s.startedAt) - t(byId.get(order[i - 1]).finishedAt));
  }
  const total = t(e.finishedAt) - t(e.startedAt);
  const queued = t(e.startedAt) - t(e.createdAt);
  return { total, queued, perNode: total / (size + 1), gaps, inStep };
}

/** The `set` node's own work, measured in-process with the same expression engine (JSONata). */
async function setOwnWorkMs() {
  const { default: jsonata } = await import("jsonata");
  const expr = jsonata("$json.i + 1");
  const n = 2000;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const value = await expr.evaluate({}, { json: { i } });
    const out = {};
    Object.defineProperty(out, "i", { value, enumerable: true, writable: true, configurable: true });
  }
  return (performance.now() - start) / n;
}

async function main() {
  const cpuModel = cpus()[0]?.model ?? "unknown";
  log(`machine: ${cpus().length} cpus (${cpuModel}), node ${process.version}, ${new Date().toISOString()}`);
  log(
    `settings: ${RUNS} sequential runs per size, then ${CONCURRENCY} concurrent for up to ${SECONDS}s, port ${PORT}`,
  );
  // Any answer from the Worker (401 for a signed-out list) means it is up.
  await dev.waitReady(async (base) => (await fetch(`${base}/api/executions`)).status === 401, 60_000);
  const key = await signUpForKey(api);
  const ownWork = await setOwnWorkMs();
  log(`set node own work (expression + object), in-process: ${ownWork.toFixed(3)} ms`);
  const summary = {};
  for (const size of SIZES) {
    const workflowId = await createChain(key, size);
    await runOnce(key, workflowId); // warm-up: first run compiles and creates tables lazily
    const results = [];
    const started = Date.now();
    for (let i = 0; i < RUNS && Date.now() - started < SECONDS * 1000; i++)
      results.push(timings(await runOnce(key, workflowId), size));
    const all = (k) => results.flatMap((r) => (Array.isArray(r[k]) ? r[k] : [r[k]]));
    const overhead = results.flatMap((r) => r.gaps.map((g, i) => g + r.inStep[i + 1] - ownWork));

    // Throughput: CONCURRENCY runs in flight at once for a bounded count/time.
    const concurrentRuns = Math.max(CONCURRENCY * 3, RUNS);
    let done = 0;
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < concurrentRuns && Date.now() - t0 < SECONDS * 1000) {
          next++;
          await runOnce(key, workflowId);
          done++;
        }
      }),
    );
    const throughput = done / ((Date.now() - t0) / 1000);

    summary[size] = { results: results.length, throughput, done };
    log(
      `\n--- linear chain: trigger + ${size} set nodes (${results.length} sequential runs, ${done} concurrent) ---`,
    );
    log(
      `executions/s (one at a time):   ${fmt(1000 / (all("total").reduce((a, b) => a + b, 0) / results.length))}`,
    );
    log(`executions/s (${CONCURRENCY} concurrent):    ${fmt(throughput)}`);
    log(`execution total ms   p50 ${fmt(pct(all("total"), 50))}  p95 ${fmt(pct(all("total"), 95))}`);
    log(`queued→started ms    p50 ${fmt(pct(all("queued"), 50))}  p95 ${fmt(pct(all("queued"), 95))}`);
    log(`per node (total/n)   p50 ${fmt(pct(all("perNode"), 50))}  p95 ${fmt(pct(all("perNode"), 95))}`);
    log(`gap between nodes    p50 ${fmt(pct(all("gaps"), 50))}  p95 ${fmt(pct(all("gaps"), 95))}`);
    log(`in-step time         p50 ${fmt(pct(all("inStep"), 50))}  p95 ${fmt(pct(all("inStep"), 95))}`);
    log(
      `ENGINE OVERHEAD/node p50 ${fmt(pct(overhead, 50))}  p95 ${fmt(pct(overhead, 95))}  (gap + in-step − own work)`,
    );
    summary[size].p50 = pct(overhead, 50);
    summary[size].p95 = pct(overhead, 95);
    summary[size].total50 = pct(all("total"), 50);
  }
  const perNodeMarginal = (summary[50].total50 - summary[10].total50) / 40;
  log(`\nmarginal cost per extra node ((p50 total 50 − p50 total 10) / 40): ${fmt(perNodeMarginal)} ms`);
  log(
    `ratio p50 execution time 50 vs 10 nodes: ${fmt(summary[50].total50 / summary[10].total50)} (node count ratio 5.1)`,
  );
  log(`POST /run answered 503 and was retried: ${startFailures.length} time(s)`);
  for (const message of new Set(startFailures)) log(`  ${message}`);
  const met = summary[10].p50 < 5 && summary[50].p50 < 5;
  log(`target < 5 ms engine overhead per node (p50): ${met ? "MET" : "NOT MET"}`);
}

main()
  .then(() => {
    stop();
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    console.error(
      dev
        .output()
        .split("\n")
        .filter((l) => !l.includes("[wrangler:info]"))
        .slice(-40)
        .join("\n"),
    );
    stop();
    process.exit(1);
  });
