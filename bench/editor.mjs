#!/usr/bin/env node
/**
 * Editor benchmark: how fast a 500-node workflow (the document limit) opens in headless chromium.
 * Starts `wrangler dev` on a fresh --persist-to folder (migrations applied) serving a fresh SPA build,
 * signs up, creates the workflow through the API (a manual trigger and 499 `set` nodes in a 25×20 grid,
 * chained by 499 edges), then opens `/workflows/<id>` several times in a fresh page and measures:
 *
 * - render: from navigation start until all 500 node elements are in the DOM and measured by React Flow
 *   (every `.react-flow__node` visible), read from the page's own clock (performance.now());
 * - click → panel: from clicking a node until its configuration panel is on screen (interactivity);
 * - interactive: render + click → panel, i.e. until the person could start editing.
 *
 * The first run warms the server and chromium's caches and is reported separately.
 * Usage: node bench/editor.mjs [--runs N] [--port P]   (default: free ports the OS picks)
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import {
  applyMigrations,
  buildSpa,
  freePort,
  killGroup,
  localSecretVarArgs,
  privateWranglerEnv,
  spawnWranglerDev,
  waitUntilReady,
} from "../scripts/lib/local-worker.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith("--") ? [[a.slice(2), all[i + 1]]] : [])),
);
const PORT = Number(args.port ?? (await freePort()));
const RUNS = Number(args.runs ?? 7);
const NODES = 500;
const BASE = `http://127.0.0.1:${PORT}`;
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (!existsSync(chromiumPath)) {
  console.error(`bench/editor.mjs needs chromium at ${chromiumPath} (apt-get install -y chromium)`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), "nodebase-bench-editor-"));
const env = privateWranglerEnv(join(dir, "registry"));
buildSpa(join(dir, "dist"), env);
applyMigrations(join(dir, "state"), env);

// detached: wrangler leads its own process group, so one kill by PID reaches its workerd children too.
const wranglerDev = spawnWranglerDev({
  port: PORT,
  inspectorPort: await freePort(),
  persistTo: join(dir, "state"),
  args: ["--assets", join(dir, "dist"), "--show-interactive-dev-session=false", ...localSecretVarArgs()],
  env,
  detached: true,
});

let browser;
try {
  await waitUntilReady(BASE, wranglerDev, 120_000);
  const cookie = await signUp();
  const workflowId = await createBigWorkflow(cookie);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const [name, value] = cookie.split(";")[0].split(/=(.*)/s);
  await context.addCookies([{ name, value, url: BASE }]);

  const results = [];
  for (let i = 0; i <= RUNS; i++) {
    const result = await openOnce(context, workflowId);
    if (i === 0) console.log(`warm-up: render ${result.render} ms, click → panel ${result.panel} ms`);
    else results.push(result);
  }
  const report = (key) => {
    const values = results.map((r) => r[key]).sort((a, b) => a - b);
    return { p50: percentile(values, 50), p95: percentile(values, 95), min: values[0], max: values.at(-1) };
  };
  console.log(
    `\n${NODES} nodes, ${NODES - 1} edges, ${RUNS} runs, viewport 1280×800 — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}, Node ${process.version}`,
  );
  console.log("| measure | p50 ms | p95 ms | min ms | max ms |\n| --- | --- | --- | --- | --- |");
  for (const [label, key] of [
    ["render (navigation → all nodes drawn)", "render"],
    ["click → panel open", "panel"],
    ["interactive (render + click → panel)", "interactive"],
  ]) {
    const r = report(key);
    console.log(`| ${label} | ${r.p50} | ${r.p95} | ${r.min} | ${r.max} |`);
  }
} catch (error) {
  console.error(error);
  console.error(wranglerDev.output().slice(-3000));
  process.exitCode = 1;
} finally {
  await browser?.close();
  await killGroup(wranglerDev.child);
  rmSync(dir, { recursive: true, force: true });
}

async function openOnce(context, workflowId) {
  const page = await context.newPage();
  try {
    await page.goto(`${BASE}/workflows/${workflowId}`);
    // Polled every animation frame in the page: the time is the page's own (ms since navigation start).
    const render = await page.waitForFunction(
      (count) => {
        const nodes = document.querySelectorAll(".react-flow__node");
        if (nodes.length < count) return false;
        for (const node of nodes) if (node.style.visibility === "hidden") return false;
        return Math.round(performance.now());
      },
      NODES,
      { polling: "raf", timeout: 120_000 },
    );
    const renderMs = await render.jsonValue();
    const start = await page.evaluate(() => performance.now());
    await page.getByTestId("node-n250").click();
    await page.getByTestId("config-panel").waitFor();
    const panel = Math.round((await page.evaluate(() => performance.now())) - start);
    return { render: renderMs, panel, interactive: renderMs + panel };
  } finally {
    await page.close();
  }
}

async function signUp() {
  const res = await fetch(`${BASE}/api/auth/sign-up/email`, {
    method: "POST",
    // Better Auth checks the Origin of cookie-setting requests, as a browser would send it.
    headers: { "content-type": "application/json", origin: BASE },
    body: JSON.stringify({
      email: `bench-${Date.now()}@example.com`,
      password: "bench-password-1",
      name: "Bench",
    }),
  });
  if (!res.ok) throw new Error(`sign-up: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function createBigWorkflow(cookie) {
  const nodes = [
    { id: "n0", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} },
  ];
  const edges = [];
  for (let i = 1; i < NODES; i++) {
    nodes.push({
      id: `n${i}`,
      type: "set",
      name: `Set ${i}`,
      position: { x: (i % 25) * 260, y: Math.floor(i / 25) * 120 },
      parameters: { fields: { [`f${i}`]: `{{ $json.f${i - 1} }}` } },
    });
    edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}`, sourceHandle: "main" });
  }
  const res = await fetch(`${BASE}/api/workflows`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: BASE },
    body: JSON.stringify({ name: "Five hundred nodes", nodes, edges }),
  });
  if (res.status !== 201) throw new Error(`create workflow: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
