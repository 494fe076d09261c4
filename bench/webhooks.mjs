#!/usr/bin/env node
/**
 * Webhook benchmark: loads `/webhooks/<id>` from loopback with autocannon, served as `npm run dev` serves it
 * (the supervisor's front proxy, wrangler dev behind it; fresh local state, migrations applied), for both execution modes (`durable`, `fast`) and both response modes at
 * concurrency 1 and 10, each phase bounded in time.
 *
 * Reported per phase:
 * - requests/s, p50 and p99 latency (ms) as the caller sees them (autocannon), and non-2xx answers;
 * - completed executions/s: executions of that workflow that finished, divided by the time from the start
 *   of the phase to the last finishedAt (read back from the executions API once the backlog is drained).
 *   For `immediately` this is the engine's throughput behind a fast 202; for `lastNode` it matches the
 *   request rate because every answer waits for its run.
 *
 * Usage: node bench/webhooks.mjs [--seconds S] [--port P] [--drain-seconds D] [--execution-modes durable,fast]
 *   [--respond-modes immediately,lastNode] [--json FILE] (the rows, as JSON)
 */
import autocannon from "autocannon";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import {
  apiClient,
  createWebhookSetWorkflow,
  freePort,
  parseArgs,
  signUpForKey,
  startWebhookBenchServer,
} from "./lib/wrangler-dev.mjs";

const args = parseArgs();
const PORT = Number(args.port ?? (await freePort()));
const SECONDS = Number(args.seconds ?? 10);
const DRAIN_SECONDS = Number(args["drain-seconds"] ?? 180);
const CONCURRENCIES = [1, 10];
const MODES = String(args["respond-modes"] ?? "immediately,lastNode").split(",");
const EXECUTION_MODES = String(args["execution-modes"] ?? "durable,fast").split(",");

/**
 * A fresh server, as `npm run dev` serves it, for each execution mode × response mode. One local runtime
 * never unloads a finished Workflow instance (docs/engine.md, "The supervised local runtime"): four durable
 * phases on one server came to ~2,300 instances, past the point where the bench's server restarts the
 * runtime (2,000 open; startWebhookBenchServer), and a phase would then measure a restart. Two phases per
 * server stay below it.
 */
function freshServer() {
  return startWebhookBenchServer({ port: PORT, statePrefix: "nodebase-bench-webhooks-" });
}
const BASE = `http://127.0.0.1:${PORT}`;
const api = apiClient(BASE);

async function listExecutions(key, workflowId) {
  const items = [];
  let cursor;
  do {
    const query = new URLSearchParams({ workflowId, limit: "200", ...(cursor ? { cursor } : {}) });
    const res = await api(`/api/executions?${query}`, {}, key);
    if (res.status !== 200) throw new Error(`list executions ${res.status} ${await res.text()}`);
    const page = await res.json();
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Waits until no execution of the workflow is queued or running (the backlog of `immediately`). */
async function drain(key, workflowId, since) {
  const deadline = Date.now() + DRAIN_SECONDS * 1000;
  for (;;) {
    const rows = (await listExecutions(key, workflowId)).filter((e) => Date.parse(e.createdAt) >= since);
    const open = rows.filter((e) => !["success", "error", "canceled"].includes(e.status)).length;
    if (open === 0 || Date.now() > deadline) return { rows, open };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function load(url, connections) {
  return autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ n: 21 }),
    connections,
    duration: SECONDS,
    // A lastNode request may wait up to 30 s for its run; do not count that as a client timeout.
    timeout: 40,
  });
}

const round = (x, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

const results = [];
for (const executionMode of EXECUTION_MODES)
  for (const respond of MODES) {
    const dev = await freshServer();
    // A phase that throws (e.g. a failed read) must not leave its wrangler and workerd running.
    try {
      const key = await signUpForKey(api);
      const workflow = await createWebhookSetWorkflow(api, key, { respond, executionMode });
      for (const connections of CONCURRENCIES) {
        // Requests and executions are matched by time: each phase starts after the previous one drained, and
        // a run belongs to the phase it was created in (same clock: the server runs on this machine).
        const started = Date.now();
        const result = await load(`${BASE}/webhooks/${workflow.webhookId}`, connections);
        const { rows, open } = await drain(key, workflow.id, started);
        const done = rows.filter((e) => e.status === "success" || e.status === "error");
        const lastFinished = Math.max(...done.map((e) => Date.parse(e.finishedAt)));
        const row = {
          mode: executionMode,
          respond,
          concurrency: connections,
          seconds: SECONDS,
          requests: result.requests.total,
          "requests/s": round(result.requests.average),
          "p50 ms": round(result.latency.p50),
          "p99 ms": round(result.latency.p99),
          non2xx: result.non2xx,
          statuses: Object.entries(result.statusCodeStats ?? {})
            .map(([code, { count }]) => `${code}×${count}`)
            .join(" "),
          errors: result.errors + result.timeouts,
          executions: rows.length,
          failedRuns: rows.filter((e) => e.status === "error").length,
          unfinished: open,
          "completed executions/s": done.length ? round(done.length / ((lastFinished - started) / 1000)) : 0,
        };
        results.push(row);
        console.log(JSON.stringify(row));
      }
    } finally {
      await dev.stop();
    }
  }

console.log(
  `\nWebhooks as npm run dev serves them (local workerd, D1 as SQLite), ${SECONDS} s per phase; ` +
    `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (other processes share these cores)`,
);
console.table(results);
// For bench/n8n-side-by-side.mjs, which prints the ratios.
if (args.json) writeFileSync(args.json, JSON.stringify(results));
const broken = results.filter((r) => r.errors > 0 || r.non2xx > 0 || r.failedRuns > 0 || r.unfinished > 0);
process.exit(broken.length ? 1 : 0);
