/**
 * Starting this Worker locally, shared by `npm run dev` (scripts/dev.mjs), the browser tests
 * (web/test/support/dev-server.ts) and the benchmarks (bench/): local secrets, an SPA build, D1 migrations
 * applied to a `--persist-to` folder, and `wrangler dev` started by PID on 127.0.0.1.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../..");

/** A binary of node_modules/.bin. */
export function bin(name) {
  return join(root, "node_modules", ".bin", name);
}

/**
 * Fresh local secrets: a random AUTH_SECRET and one credential encryption key
 * (`<keyId>:<base64 of 32 bytes>`; CREDENTIAL_KEYS is comma-separated, newest first: docs/credentials.md).
 */
export function localSecrets() {
  return {
    NODEBASE_ENV: "development",
    AUTH_SECRET: randomBytes(32).toString("hex"),
    CREDENTIAL_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  };
}

/** `localSecrets()` as `wrangler dev --var KEY:VALUE` arguments (no file to clean up). */
export function localSecretVarArgs() {
  return Object.entries(localSecrets()).flatMap(([key, value]) => ["--var", `${key}:${value}`]);
}

/**
 * The environment of a wrangler child with its own dev registry in `registryDir`: every `wrangler dev` of
 * a worker named "nodebase" on this machine shares the default one, and another one starting or stopping
 * makes ours restart its runtime mid-test (POSTs in flight answer 503, GETs hang in wrangler's proxy).
 * CI=true makes wrangler answer its "apply N migrations?" question itself instead of waiting for a TTY.
 */
export function privateWranglerEnv(registryDir) {
  mkdirSync(registryDir, { recursive: true });
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CI: "true",
    WRANGLER_REGISTRY_PATH: registryDir,
  };
}

/** Runs a command from the repository root; throws with its output when it fails. */
export function runOrThrow(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

/** Builds the SPA into `outDir`. */
export function buildSpa(outDir, env) {
  runOrThrow(
    bin("vite"),
    ["build", "--config", "web/vite.config.ts", "--outDir", outDir, "--logLevel", "warn"],
    env,
  );
}

/** Applies the D1 migrations to the local database in `persistTo`. */
export function applyMigrations(persistTo, env) {
  runOrThrow(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], env);
}

/**
 * Spawns `wrangler dev` on 127.0.0.1:`port` (inspector on `inspectorPort`, default port + 1) with its
 * state in `persistTo`; `args` are appended. With `detached`, wrangler leads its own process group so
 * `killGroup` reaches its workerd children too. Returns the child and everything it printed so far.
 */
export function spawnWranglerDev({ port, inspectorPort = port + 1, persistTo, args = [], env, detached }) {
  const child = spawn(
    bin("wrangler"),
    [
      "dev",
      ...["--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)],
      ...["--persist-to", persistTo],
      ...args,
    ],
    { cwd: root, env, detached, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

/**
 * Polls until the Worker answers an API path (proof that the Worker, not only the asset server, is up).
 * Fails early when wrangler exits.
 */
export async function waitUntilReady(url, { child, output }, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/api/openapi.json`)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not become ready at ${url} in ${timeoutMs / 1000} s:\n${output()}`);
}

/** Stops a detached child's whole process group (SIGTERM, SIGKILL after 5 s) and waits for it to exit. */
export async function killGroup(child) {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  // A workerd child can outlive wrangler for a moment: none may keep the state files open.
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** A port that was free a moment ago on 127.0.0.1 (asked of the OS: never a fixed number). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}
