#!/usr/bin/env node
/**
 * Side by side with n8n, in one run on one machine: Webhook → Set (doubling `body.n`), both response modes
 * (n8n `onReceived` = our `immediately`, n8n `lastNode` = ours), concurrency 1 and 10, the same autocannon
 * load for each. n8n runs first (its own process, stopped by PID), then bench/webhooks.mjs runs ours in
 * both execution modes; the ratios (our completed runs/s ÷ n8n's requests/s) are printed at the end.
 *
 * n8n is not a dependency of this project: point `N8N_BIN` at an installed n8n (e.g. `npm install
 * n8n@1.123.50` in a scratch folder, then `N8N_BIN=<folder>/node_modules/.bin/n8n`). Without it this
 * script says so and exits 0, so `npm run bench` works on any machine.
 *
 * Usage: N8N_BIN=… node bench/n8n-side-by-side.mjs [--seconds S]
 */
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { n8nInstance } from "./lib/n8n.mjs";
import { parseArgs } from "./lib/wrangler-dev.mjs";

const args = parseArgs();
const SECONDS = Number(args.seconds ?? 10);
const N8N_BIN = process.env.N8N_BIN;
if (!N8N_BIN) {
  console.log("n8n side by side: skipped (set N8N_BIN to an installed n8n binary to run it)");
  process.exit(0);
}

// History saved, as ours: every execution is stored.
const { home, port, env, importActive } = await n8nInstance(N8N_BIN, "nodebase-bench-n8n-", {
  EXECUTIONS_DATA_SAVE_ON_SUCCESS: "all",
  DB_SQLITE_POOL_SIZE: "2",
});

/** Webhook (given response mode) → Set doubling body.n, as n8n exports it. */
function workflow(id, path, responseMode) {
  return {
    id,
    name: `Bench ${responseMode}`,
    active: true,
    settings: { executionOrder: "v1" },
    nodes: [
      {
        id: `${id}-hook`,
        name: "Webhook",
        type: "n8n-nodes-base.webhook",
        typeVersion: 2,
        position: [0, 0],
        webhookId: `${id}-hook`,
        parameters: { httpMethod: "POST", path, responseMode, options: {} },
      },
      {
        id: `${id}-set`,
        name: "Double",
        type: "n8n-nodes-base.set",
        typeVersion: 3.4,
        position: [240, 0],
        parameters: {
          assignments: {
            assignments: [{ id: "a1", name: "doubled", value: "={{ $json.body.n * 2 }}", type: "number" }],
          },
          options: {},
        },
      },
    ],
    connections: { Webhook: { main: [[{ node: "Double", type: "main", index: 0 }]] } },
  };
}

importActive([
  ["a.json", workflow("benchImmediate01", "bench-imm", "onReceived")],
  ["b.json", workflow("benchLastNode001", "bench-last", "lastNode")],
]);

const n8n = spawn(N8N_BIN, ["start"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
let log = "";
n8n.stdout.on("data", (c) => (log = (log + c).slice(-10_000)));
n8n.stderr.on("data", (c) => (log = (log + c).slice(-10_000)));
const stop = () => {
  try {
    process.kill(-n8n.pid, "SIGTERM");
  } catch {
    // gone
  }
};
process.on("exit", stop);

const base = `http://127.0.0.1:${port}`;
const deadline = Date.now() + 180_000;
for (;;) {
  try {
    const res = await fetch(`${base}/webhook/bench-last`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 1 }),
    });
    if (res.status === 200) break;
  } catch {
    // not up yet
  }
  if (Date.now() > deadline) throw new Error(`n8n did not answer its webhook\n${log}`);
  await new Promise((r) => setTimeout(r, 1000));
}

const rows = [];
for (const [respond, path] of [
  ["immediately", "bench-imm"],
  ["lastNode", "bench-last"],
]) {
  for (const connections of [1, 10]) {
    const result = await autocannon({
      url: `${base}/webhook/${path}`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 21 }),
      connections,
      duration: SECONDS,
      timeout: 40,
    });
    const row = {
      system: "n8n",
      respond,
      concurrency: connections,
      "requests/s": Number(result.requests.average.toFixed(1)),
      "p50 ms": result.latency.p50,
      "p99 ms": result.latency.p99,
      non2xx: result.non2xx,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
    // n8n runs `onReceived` executions after answering: let that backlog drain before the next phase.
    if (respond === "immediately") await new Promise((r) => setTimeout(r, 20_000));
  }
}
stop();
// n8n finishes its queued executions before it exits: ours must not share the cores with that.
const exited = new Promise((r) => (n8n.exitCode !== null ? r() : n8n.once("exit", r)));
await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
rmSync(home, { recursive: true, force: true });

console.log(
  `\nn8n (${N8N_BIN}) on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; ours next (bench/webhooks.mjs), same load, same machine`,
);
console.table(rows);
const oursFile = join(tmpdir(), `nodebase-bench-ours-${process.pid}.json`);
const ours = spawnSync(
  process.execPath,
  [join(import.meta.dirname, "webhooks.mjs"), "--seconds", String(SECONDS), "--json", oursFile],
  { stdio: "inherit" },
);
if (existsSync(oursFile)) {
  const mine = JSON.parse(readFileSync(oursFile, "utf8"));
  rmSync(oursFile, { force: true });
  console.log(
    "\nRatios: our completed executions/s ÷ n8n's requests/s (n8n's `onReceived` answers before its run" +
      " ends, so for `immediately` its requests/s is an upper bound of its completed runs/s)",
  );
  console.table(ratioRows(rows, mine));
}
process.exit(ours.status ?? 1);

/** One row per response mode × concurrency: n8n beside each of our execution modes, with the ratio. */
function ratioRows(theirs, mine) {
  return theirs.map((n8nRow) => {
    const row = {
      respond: n8nRow.respond,
      concurrency: n8nRow.concurrency,
      "n8n req/s": n8nRow["requests/s"],
      "n8n p50 ms": n8nRow["p50 ms"],
    };
    for (const m of mine.filter(
      (r) => r.respond === n8nRow.respond && r.concurrency === n8nRow.concurrency,
    )) {
      const completed = m["completed executions/s"];
      row[`${m.mode} completed/s`] = completed;
      row[`${m.mode} p50 ms`] = m["p50 ms"];
      row[`${m.mode} ÷ n8n`] = n8nRow["requests/s"]
        ? Number((completed / n8nRow["requests/s"]).toFixed(2))
        : null;
    }
    return row;
  });
}
