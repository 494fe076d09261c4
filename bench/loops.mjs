#!/usr/bin/env node
/**
 * Loop benchmark (forEach) under `wrangler dev` on fresh local state:
 *
 * 1. 1,000 elements × 1 `set` body node, concurrency 1, RUNS times: wall time of the execution (D1
 *    startedAt → finishedAt), ms per element, elements/s and executions/s. Engine overhead per element =
 *    (loop run − a run of the same workflow over an empty list) / 1,000, minus the `set` node's own work
 *    (microseconds, measured in-process by bench/engine.mjs).
 * 2. 10,000 elements × 3 body nodes (set → if → set), concurrency 5, once: completes? wall time, peak RSS
 *    of the dev server (wrangler + its workerd processes, sampled from /proc every 250 ms), D1 rows
 *    written per element (loop_item + item_step rows, from the execution's summary), and the Workflows
 *    steps the instance used (step results stored by the local Workflows engine, read with the sqlite3
 *    CLI) against the per-instance limit (10,000 by default).
 *
 * Usage: node bench/loops.mjs [--runs N] [--big N] [--port P]
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { treeRss } from "./lib/process-rss.mjs";
import { apiClient, freePort, parseArgs, signUpForKey, startWranglerDev } from "./lib/wrangler-dev.mjs";

const args = parseArgs();
const PORT = Number(args.port ?? (await freePort()));
const RUNS = Number(args.runs ?? 3);
const BIG = Number(args.big ?? 10_000);

const dev = await startWranglerDev({ port: PORT, statePrefix: "nodebase-bench-loops-" });
// A poll can hang on a kept-alive connection the dev proxy dropped (the server itself still answers):
// each request gets 15 s, and a poll that timed out is simply made again.
const api = apiClient(dev.base, { requestTimeoutMs: 15_000 });
await dev.waitReady(async (base) => (await fetch(`${base}/api/openapi.json`)).ok, 120_000);
const key = await signUpForKey(api);

const node = (id, type, name, parameters = {}) => ({ id, type, name, position: { x: 0, y: 0 }, parameters });
const edge = (id, source, target, sourceHandle = "main") => ({ id, source, target, sourceHandle });

async function create(name, nodes, edges) {
  const res = await api(
    "/api/workflows",
    { method: "POST", body: JSON.stringify({ name, nodes, edges }) },
    key,
  );
  if (res.status !== 201) throw new Error(`create ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

async function run(workflowId, body) {
  const res = await api(
    `/api/workflows/${workflowId}/run`,
    { method: "POST", body: JSON.stringify(body) },
    key,
  );
  if (res.status !== 201) throw new Error(`run ${res.status} ${await res.text()}`);
  const { executionId } = await res.json();
  const deadline = Date.now() + 60 * 60_000;
  for (let missed = 0; ;) {
    let e;
    try {
      e = await (await api(`/api/executions/${executionId}`, {}, key)).json();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      missed++;
      console.warn(`  (poll ${missed} of ${executionId} timed out; polling again)`);
      continue;
    }
    if (["success", "error", "canceled"].includes(e.status)) return e;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ms = (e) => new Date(e.finishedAt).getTime() - new Date(e.startedAt).getTime();
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/**
 * Steps each local Workflows instance used: the local engine keeps one `<hash>-<attempt>-value` entry per
 * step result in the instance's SQLite file. Largest first; null without the sqlite3 CLI.
 */
function stepsPerInstance() {
  const dir = join(dev.persist, "v3/workflows");
  try {
    const files = readdirSync(dir, { recursive: true }).filter(
      (f) => f.endsWith(".sqlite") && !f.endsWith("metadata.sqlite"),
    );
    const sql =
      "select count(distinct substr(key, 1, instr(key, '-') - 1)) from _cf_KV where key like '%-value'";
    return files
      .map((f) => Number(execFileSync("sqlite3", ["-readonly", join(dir, f), sql], { encoding: "utf8" })))
      .sort((a, b) => b - a);
  } catch {
    return null;
  }
}

try {
  console.log(
    `machine: 2 cores, shared with other work; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const small = await create(
    "Loop 1000 × set",
    [
      node("t", "manualTrigger", "Start"),
      node("l", "forEach", "Each", { items: "{{ $json.rows }}" }),
      node("s", "set", "Double", { fields: { v: "{{ $json * 2 }}" } }),
    ],
    [edge("e1", "t", "l"), edge("e2", "l", "s", "item")],
  );
  const empty = [];
  for (let i = 0; i < RUNS; i++) empty.push(ms(await run(small, { rows: [] })));
  const rows = Array.from({ length: 1000 }, (_, i) => i);
  const walls = [];
  for (let i = 0; i < RUNS; i++) {
    const e = await run(small, { rows });
    if (e.status !== "success")
      throw new Error(`1,000-element run ended ${e.status}: ${JSON.stringify(e.error)}`);
    walls.push(ms(e));
  }
  const base = pct(empty, 50);
  const median = pct(walls, 50);
  console.log(`1,000 elements × 1 set (concurrency 1), ${RUNS} runs:`);
  console.log(
    `  wall p50 ${median} ms, min ${Math.min(...walls)}, max ${Math.max(...walls)}; empty list p50 ${base} ms`,
  );
  console.log(
    `  ${(median / 1000).toFixed(2)} ms per element, ${(1000 / (median / 1000)).toFixed(0)} elements/s, ${(1000 / median).toFixed(3)} executions/s`,
  );
  console.log(`  engine overhead per element ≈ ${((median - base) / 1000).toFixed(2)} ms (target ≤ 5 ms)`);

  const big = await create(
    `Loop ${BIG} × 3`,
    [
      node("t", "manualTrigger", "Start"),
      node("l", "forEach", "Each", { items: "{{ $json.rows }}", concurrency: 5 }),
      node("a", "set", "Shape", { fields: { n: "{{ $json.n }}", even: "{{ $json.n % 2 = 0 }}" } }),
      node("b", "if", "Even?", { condition: "{{ $json.even }}" }),
      node("c", "set", "Label", { fields: { label: "even {{ $json.n }}" } }),
      node("z", "set", "Count", { fields: { count: "{{ $json.count }}", failed: "{{ $json.failed }}" } }),
    ],
    [
      edge("e1", "t", "l"),
      edge("e2", "l", "a", "item"),
      edge("e3", "a", "b"),
      edge("e4", "b", "c", "true"),
      edge("e5", "l", "z", "done"),
    ],
  );
  let peak = treeRss(dev.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, treeRss(dev.pid))), 250);
  const started = Date.now();
  const e = await run(big, { rows: Array.from({ length: BIG }, (_, n) => ({ n })) });
  clearInterval(sampler);
  const count = e.steps.find((s) => s.nodeId === "z")?.output?.count;
  const bodyRows = e.steps.filter((s) => s.items).reduce((sum, s) => sum + s.items.done, 0);
  console.log(`${BIG} elements × 3 body nodes (concurrency 5): ${e.status}, count ${count}`);
  if (e.status !== "success") console.log(`  error: ${JSON.stringify(e.error)}`);
  console.log(
    `  wall ${ms(e)} ms (request to answer ${Date.now() - started} ms), ${(ms(e) / BIG).toFixed(2)} ms per element`,
  );
  console.log(`  peak RSS of the dev server ${peak.toFixed(0)} MiB`);
  console.log(
    `  D1 rows per element: ${((bodyRows + BIG) / BIG).toFixed(1)} (1 loop_item + ${(bodyRows / BIG).toFixed(1)} item_step)`,
  );
  console.log(`  GET /api/executions/:id: ${e.steps.length} step records, ${JSON.stringify(e).length} bytes`);
  const steps = stepsPerInstance();
  console.log(
    steps === null
      ? "  Workflows steps per instance: not measured (no sqlite3 CLI)"
      : `  Workflows steps used by the instance: ${steps[0]} of the 10,000 per-instance limit (${((steps[0] / 10_000) * 100).toFixed(1)} %)`,
  );
  if (e.status !== "success" || count !== BIG) process.exitCode = 1;
} finally {
  await dev.shutdown();
}
