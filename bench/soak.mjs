#!/usr/bin/env node
/**
 * Soak of the embedded default: SOAK_RUNS webhook runs (default 20,000; 10 at a time) against one
 * supervised `npm run dev` runtime (scripts/lib/dev-supervisor.mjs) on fresh local state. Every call
 * carries its own id. Reports, every 1,000 runs, the dev server's RSS, workerd's memory maps, open
 * files and open SQLite databases (loaded Workflow instances), and the supervisor's restarts; at the end: lost runs (accepted, never `success`), stuck runs
 * (unfinished after the drain), duplicates (one call, two executions) — all must be 0 — and the refused
 * calls (answered other than 202 after 3 tries). Exits non-zero when any of the three is not 0.
 *
 * Usage: SOAK_RUNS=20000 node bench/soak.mjs   (SOAK_CONCURRENCY, default 10; SOAK_MODE durable | fast;
 * SOAK_VARS="NAME=value,…" Worker variables; DEV_MAX_OPEN_DATABASES etc. reach the supervisor). At the end it
 * prints each restart: reason, backlog before/after the drain, readiness attempts and time to ready.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { bin, freePort, root } from "../scripts/lib/local-worker.mjs";
import { apiClient, signUpForKey, startSupervisedServer } from "./lib/wrangler-dev.mjs";

const RUNS = Number(process.env.SOAK_RUNS ?? 20_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 10);
const EXECUTION_MODE = process.env.SOAK_MODE ?? "durable";
const DRAIN_MS = 10 * 60_000;

// The soak measures the engine, not the webhook rate limit (600 calls a minute per user: a quiet machine
// sends faster and got 429s). SOAK_VARS ("NAME=value,…") adds Worker variables, e.g.
// MAX_RUNNING_PER_USER=2 to make intake outrun completion and build a backlog of queued runs.
const vars = {
  RATE_LIMITS: JSON.stringify({ webhookIntake: { limit: 1_000_000 } }),
  ...Object.fromEntries(
    (process.env.SOAK_VARS ?? "")
      .split(",")
      .filter((pair) => pair.includes("="))
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
  ),
};
const dev = await startSupervisedServer({ port: await freePort(), statePrefix: "nodebase-soak-", vars });
const { persist, env } = dev;
let exitCode = 1;
try {
  const api = apiClient(dev.url);
  const key = await signUpForKey(api);
  const created = await api(
    "/api/workflows",
    {
      method: "POST",
      body: JSON.stringify({
        name: "Soak",
        settings: { executionMode: EXECUTION_MODE },
        nodes: [
          {
            id: "h",
            type: "webhookTrigger",
            name: "Hook",
            parameters: { method: "POST", respond: "immediately" },
          },
          { id: "d", type: "set", name: "Echo", parameters: { fields: { id: "{{ $json.body.id }}" } } },
        ],
        edges: [{ id: "e", source: "h", target: "d" }],
      }),
    },
    key,
  );
  const wf = await created.json();
  await api(`/api/workflows/${wf.id}/activate`, { method: "POST" }, key);
  const hookUrl = `${dev.url}/webhooks/${wf.nodes[0].webhookId}`;

  console.log(
    `soak: ${RUNS} webhook runs, ${CONCURRENCY} at a time — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ` +
      `load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} (shared machine)`,
  );
  console.log("   runs  elapsed  rss MB  maps   files  dbs    restarts");
  const accepted = new Set();
  let refused = 0;
  let next = 0;
  const started = Date.now();
  const report = async (n) => {
    const s = await dev.stats();
    console.log(
      `${String(n).padStart(7)}  ${String(Math.round((Date.now() - started) / 1000)).padStart(6)}s  ` +
        `${String(s.rssMb ?? 0).padStart(6)}  ${String(s.maps ?? 0).padStart(5)}  ${String(s.files ?? 0).padStart(6)}  ${String(s.databases ?? 0).padStart(5)}  ${s.restarts}`,
    );
  };
  await report(0);
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= RUNS) return;
      let ok = false;
      for (let attempt = 0; attempt < 3 && !ok; attempt++) {
        try {
          const res = await fetch(hookUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ id: i }),
          });
          await res.arrayBuffer();
          ok = res.status === 202;
        } catch {
          ok = false;
        }
        if (!ok) await new Promise((r) => setTimeout(r, 2000));
      }
      if (ok) accepted.add(i);
      else refused++;
      if ((i + 1) % 1000 === 0) await report(i + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const sendSeconds = (Date.now() - started) / 1000;

  // Drain: every accepted run must end; the reconciler handles what a restart interrupted.
  const query = (sql) => {
    const out = spawnSync(
      bin("wrangler"),
      ["d1", "execute", "DB", "--local", "--persist-to", persist, "--json", "--command", sql],
      // 20,000 rows of JSON are more than spawnSync's default 1 MiB of output.
      { cwd: root, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    if (out.status !== 0) throw new Error(out.stderr || out.stdout);
    return JSON.parse(out.stdout)[0].results;
  };
  const drainUntil = Date.now() + DRAIN_MS;
  let unfinished;
  for (;;) {
    unfinished = query(
      "select count(*) as n from workflow_execution where status in ('queued','running','waiting')",
    )[0].n;
    if (unfinished === 0 || Date.now() > drainUntil) break;
    await new Promise((r) => setTimeout(r, 10_000));
  }
  await report(RUNS);
  const rows = query(
    "select json_extract(trigger_data, '$.body.id') as id, status, count(*) as n from workflow_execution group by 1, 2",
  );
  const successIds = new Map();
  let duplicates = 0;
  for (const r of rows) {
    if (r.status === "success") successIds.set(r.id, r.n);
    if (r.n > 1) duplicates += r.n - 1;
  }
  const lost = [...accepted].filter((i) => !successIds.has(i)).length;
  const statuses = query("select status, count(*) as n from workflow_execution group by status");
  console.log(
    `\nsent ${RUNS} in ${sendSeconds.toFixed(0)} s (${(RUNS / sendSeconds).toFixed(1)}/s); accepted ${accepted.size}, ` +
      `refused ${refused}; statuses ${statuses.map((s) => `${s.status}=${s.n}`).join(" ")}`,
  );
  console.log(
    `lost ${lost}  stuck ${unfinished}  duplicates ${duplicates}  restarts ${(await dev.stats()).restarts}`,
  );
  for (const [i, r] of (await dev.stats()).restartLog.entries()) {
    console.log(
      `restart ${i + 1}: ${r.reason}; backlog ${r.backlog ?? "?"} → ${r.drained ?? "?"} queued/running (${r.drainReads} reads); ` +
        `ready in ${(r.readyMs / 1000).toFixed(1)} s (${r.attempts} attempt${r.attempts === 1 ? "" : "s"})`,
    );
  }
  exitCode = lost === 0 && unfinished === 0 && duplicates === 0 ? 0 : 1;
} finally {
  await dev.stop();
}
process.exit(exitCode);
