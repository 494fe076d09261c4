/**
 * What every benchmark needs before it measures anything: a `wrangler dev` of this Worker on fresh local
 * state (migrations applied, its own dev registry), a JSON API client for it, and a signed-up user's API key.
 * Scripts in bench/ import this; bench/run.mjs only runs the `*.mjs` files directly in bench/.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  applyMigrations,
  freePort,
  killGroup,
  localSecrets,
  localSecretVarArgs,
  privateWranglerEnv,
  root,
  spawnWranglerDev,
} from "../../scripts/lib/local-worker.mjs";
import { superviseCodeRunner } from "../../scripts/lib/code-runner.mjs";
import { superviseDevServer } from "../../scripts/lib/dev-supervisor.mjs";

export { freePort };

/** `--port P --seconds S` → `{ port: "P", seconds: "S" }`. */
export function parseArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.flatMap((a, i, all) => (a.startsWith("--") ? [[a.slice(2), all[i + 1]]] : [])),
  );
}

/**
 * Starts `wrangler dev` on 127.0.0.1:`port` (inspector on `inspectorPort`, or a free port) and registers its cleanup on process exit.
 * `statePrefix` names the temp folder of its local state. Returns once the process is spawned; call
 * `waitReady(probe, timeoutMs)` before using it. `vars` are extra Worker variables (e.g. raised rate limits
 * for a load generator that is one user).
 */
export async function startWranglerDev({ port, statePrefix, vars = {}, inspectorPort }) {
  const base = `http://127.0.0.1:${port}`;
  const persist = mkdtempSync(join(tmpdir(), statePrefix));
  // wrangler dev refuses to start without the assets folder; an unbuilt SPA does not matter here.
  mkdirSync(join(root, "web/dist"), { recursive: true });
  const registry = mkdtempSync(join(tmpdir(), "nodebase-bench-registry-"));
  const env = privateWranglerEnv(registry);
  applyMigrations(persist, env);
  // The code runner's own wrangler dev (code nodes run there, as under `npm run dev`), in its own group.
  const runner = superviseCodeRunner({ env, kill: killGroup, detached: true });
  await runner.ready;

  const { child: wrangler, output } = spawnWranglerDev({
    port,
    inspectorPort: inspectorPort ?? (await freePort()),
    persistTo: persist,
    args: [...localSecretVarArgs(), ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])],
    env,
  });

  function stop() {
    if (process.env.BENCH_WRANGLER_LOG) writeFileSync(process.env.BENCH_WRANGLER_LOG, output());
    // Stop wrangler by the PID we started (it takes its workerd children down with it).
    if (wrangler.exitCode === null) wrangler.kill("SIGTERM");
    void runner.stop();
    if (process.env.BENCH_KEEP_STATE) console.log(`local state kept in ${persist}`);
    // workerd may still be flushing its files for a moment; a leftover temp folder is harmless.
    try {
      rmSync(registry, { recursive: true, force: true });
      if (!process.env.BENCH_KEEP_STATE) {
        rmSync(persist, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      }
    } catch (err) {
      console.warn(`could not remove ${persist}: ${err.message}`);
    }
  }
  process.on("exit", stop);
  process.on("SIGINT", () => process.exit(130));

  return {
    base,
    /** The local state folder (Workflows instances, D1): benchmarks may read it before shutdown. */
    persist,
    /** The wrangler process (its workerd children are found through /proc for RSS). */
    pid: wrangler.pid,
    /** Everything wrangler printed so far (for failure reports). */
    output,
    stop,
    /** Stops wrangler and waits for it to exit before its state folder is removed. */
    async shutdown() {
      if (wrangler.exitCode === null) {
        const exited = new Promise((resolve) => wrangler.once("exit", resolve));
        wrangler.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      stop();
    },
    /** Polls until `probe(base)` resolves true (a request that fails means not listening yet). */
    async waitReady(probe, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        try {
          if (await probe(base)) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`wrangler dev did not start:\n${output()}`);
    },
  };
}

/**
 * A JSON client for `base`: `api(path, init, apiKey?)`. With `requestTimeoutMs`, a request that takes
 * longer fails with the method, path and elapsed time instead of hanging.
 */
export function apiClient(base, { requestTimeoutMs } = {}) {
  return async function api(path, init = {}, key) {
    const headers = {
      "content-type": "application/json",
      origin: base,
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...init.headers,
    };
    if (!requestTimeoutMs) return fetch(base + path, { ...init, headers });
    const started = Date.now();
    try {
      return await fetch(base + path, { ...init, headers, signal: AbortSignal.timeout(requestTimeoutMs) });
    } catch (err) {
      throw new Error(
        `${init.method ?? "GET"} ${path} failed after ${Date.now() - started} ms: ${err.message}`,
      );
    }
  };
}

/** Signs up a fresh user through `api` and returns a new API key of theirs. */
export async function signUpForKey(api) {
  const res = await api("/api/auth/sign-up/email", {
    method: "POST",
    body: JSON.stringify({
      email: `bench-${Date.now()}@example.test`,
      password: "bench-password-123",
      name: "Bench",
    }),
  });
  if (!res.ok) throw new Error(`sign-up ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const key = await api("/api/api-keys", {
    method: "POST",
    body: JSON.stringify({ name: "bench" }),
    headers: { cookie },
  });
  if (key.status !== 201) throw new Error(`api key ${key.status} ${await key.text()}`);
  return (await key.json()).key;
}

/**
 * The benchmarks' workflow, active: webhook (given response mode) → one `set` node doubling `body.n`, in
 * the given execution mode. Returns its id and webhook id.
 */
export async function createWebhookSetWorkflow(api, key, { respond, executionMode }) {
  const document = {
    name: `Bench webhook (${executionMode}, ${respond})`,
    settings: { executionMode },
    nodes: [
      {
        id: "hook",
        type: "webhookTrigger",
        name: "Webhook",
        position: { x: 0, y: 0 },
        parameters: { method: "POST", respond },
      },
      {
        id: "double",
        type: "set",
        name: "Double",
        position: { x: 240, y: 0 },
        parameters: { fields: { doubled: "{{ $json.body.n * 2 }}" } },
      },
    ],
    edges: [{ id: "e1", source: "hook", target: "double", sourceHandle: "main" }],
  };
  const created = await api("/api/workflows", { method: "POST", body: JSON.stringify(document) }, key);
  if (created.status !== 201) throw new Error(`create workflow ${created.status} ${await created.text()}`);
  const workflow = await created.json();
  const activated = await api(`/api/workflows/${workflow.id}/activate`, { method: "POST" }, key);
  if (activated.status !== 200) throw new Error(`activate ${activated.status} ${await activated.text()}`);
  return { id: workflow.id, webhookId: workflow.nodes.find((n) => n.id === "hook").webhookId };
}

/**
 * The local runtime exactly as `npm run dev` serves it (scripts/lib/dev-supervisor.mjs: its front proxy,
 * restarts, cron ticker and code runner) on 127.0.0.1:`port`, on fresh local state in a temp folder.
 * `vars` are Worker variables for this server only. Resolves once it is ready, with the supervisor's
 * handle plus `base`, `persist` (the state folder) and `env` (for wrangler commands on that state);
 * `stop()` ends it and removes the state. `log(line)` receives the supervisor's messages (by default, printed);
 * `maxDatabases` overrides the supervisor's restart point (DEV_MAX_OPEN_DATABASES).
 */
export async function startSupervisedServer({ port, statePrefix, vars = {}, log, maxDatabases }) {
  const dir = mkdtempSync(join(tmpdir(), statePrefix));
  const persist = join(dir, "state");
  const assets = join(dir, "assets"); // the SPA is not what is measured
  mkdirSync(assets);
  const envFile = join(dir, "worker.env");
  writeFileSync(
    envFile,
    Object.entries({ ...localSecrets(), ...vars })
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  const env = privateWranglerEnv(join(dir, "registry"));
  applyMigrations(persist, env);
  const dev = superviseDevServer({
    port,
    wranglerArgs: ["--persist-to", persist, "--env-file", envFile, "--assets", assets, "--log-level", "warn"],
    env,
    stdio: "pipe",
    log: log ?? ((line) => console.log(`  [supervisor] ${line}`)),
    maxDatabases, // undefined: the supervisor's own default applies
  });
  const stop = async () => {
    await dev.stop();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    await dev.ready;
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...dev, base: dev.url, persist, env, stop };
}

/**
 * Worker variables for a webhook load generator. It is one user: its per-user limits (webhook calls a
 * minute, runs at once) would be what is measured, not the engine, so they are raised here only; n8n has
 * neither.
 */
export const WEBHOOK_BENCH_VARS = {
  RATE_LIMITS: JSON.stringify({ webhookIntake: { limit: 1_000_000 } }),
  MAX_RUNNING_PER_USER: "0",
};

/**
 * The served runtime for a webhook load generator: what `npm run dev` serves (startSupervisedServer), so
 * that the numbers are the ones a user of it gets — except that it restarts only past 2,000 loaded Workflow
 * instances (the ceiling is ~2,650), not at the default: two 10 s durable phases create ~1,200, and a phase
 * would otherwise measure the supervisor's restarts rather than the engine. The soak measures those.
 */
export function startWebhookBenchServer({ port, statePrefix }) {
  return startSupervisedServer({ port, statePrefix, vars: WEBHOOK_BENCH_VARS, maxDatabases: 2_000 });
}
