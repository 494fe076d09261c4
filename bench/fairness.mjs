#!/usr/bin/env node
/**
 * Fairness on the local runtime (issues 10 and 13): does the dev server keep answering other requests
 * while one run works through a long `forEach`? One run of N elements (default 2,000) × 1 `set` body
 * node; meanwhile `/api/openapi.json` is asked every 200 ms (one request at a time, 30 s timeout each).
 * Reports the longest time a probe waited for its answer and the longest gap between two answers.
 *
 * Usage: node bench/fairness.mjs [--elements N] [--port P] [--base http://127.0.0.1:8787]
 * With `--base` it measures a server already running (e.g. `npm run dev`); else it starts its own
 * `wrangler dev` on fresh state and stops it by PID.
 */
import { loadavg } from "node:os";
import { apiClient, freePort, parseArgs, signUpForKey, startWranglerDev } from "./lib/wrangler-dev.mjs";

const args = parseArgs();
const ELEMENTS = Number(args.elements ?? 2000);
const PROBE = args.probe ?? "/api/openapi.json";
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

let base = args.base;
let dev;
if (!base) {
  dev = await startWranglerDev({
    port: Number(args.port ?? (await freePort())),
    statePrefix: "nodebase-fair-",
  });
  await dev.waitReady(async (b) => (await fetch(`${b}/api/openapi.json`)).ok, 120_000);
  base = dev.base;
}
const api = apiClient(base, { requestTimeoutMs: 30_000 });

try {
  const key = await signUpForKey(api);
  const node = (id, type, name, parameters = {}) => ({
    id,
    type,
    name,
    position: { x: 0, y: 0 },
    parameters,
  });
  const res = await api(
    "/api/workflows",
    {
      method: "POST",
      body: JSON.stringify({
        name: `Fairness ${ELEMENTS}`,
        nodes: [
          node("t", "manualTrigger", "Start"),
          node("l", "forEach", "Each", { items: "{{ $json.rows }}" }),
          node("s", "set", "Double", { fields: { v: "{{ $json * 2 }}" } }),
        ],
        edges: [
          { id: "e1", source: "t", target: "l", sourceHandle: "main" },
          { id: "e2", source: "l", target: "s", sourceHandle: "item" },
        ],
      }),
    },
    key,
  );
  if (res.status !== 201) throw new Error(`create ${res.status} ${await res.text()}`);
  const workflowId = (await res.json()).id;
  console.log(`load average before: ${load()}`);

  // Probe a quiet server first: the baseline answer time.
  const quiet = [];
  for (let i = 0; i < 10; i++) {
    const t = Date.now();
    await (await api(PROBE)).arrayBuffer();
    quiet.push(Date.now() - t);
  }

  const rows = Array.from({ length: ELEMENTS }, (_, i) => i);
  const runRes = await api(
    `/api/workflows/${workflowId}/run`,
    { method: "POST", body: JSON.stringify({ rows }) },
    key,
  );
  if (runRes.status !== 201) throw new Error(`run ${runRes.status} ${await runRes.text()}`);
  const { executionId } = await runRes.json();
  const t0 = Date.now();

  let done = false;
  let longestWait = 0;
  let longestGap = 0;
  let lastAnswer = Date.now();
  let probes = 0;
  let failed = 0;
  const prober = (async () => {
    while (!done) {
      const t = Date.now();
      try {
        await (await api(PROBE)).arrayBuffer();
        const now = Date.now();
        longestWait = Math.max(longestWait, now - t);
        longestGap = Math.max(longestGap, now - lastAnswer);
        lastAnswer = now;
      } catch (err) {
        failed++;
        longestWait = Math.max(longestWait, Date.now() - t);
        console.warn(`  probe failed: ${err.message}`);
      }
      probes++;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  // The run's status is polled through the same server (slowly: it is not the measurement).
  let e;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      e = await (await api(`/api/executions/${executionId}?stepsLimit=1`, {}, key)).json();
    } catch {
      continue;
    }
    if (["success", "error", "canceled"].includes(e.status)) break;
  }
  done = true;
  await prober;
  const wall = new Date(e.finishedAt).getTime() - new Date(e.startedAt).getTime();
  console.log(
    `run of ${ELEMENTS} elements × 1 set: ${e.status}, wall ${wall} ms (seen ${Date.now() - t0} ms)`,
  );
  console.log(`quiet ${PROBE}: max ${Math.max(...quiet)} ms`);
  console.log(
    `during the run: ${probes} probes, ${failed} failed; longest wait ${longestWait} ms, longest gap between answers ${longestGap} ms`,
  );
  console.log(`load average after: ${load()}`);
} finally {
  await dev?.shutdown();
}
