/**
 * A throw-away Nodebase for browser tests: the SPA built into a temp folder, D1 migrated into a temp
 * `--persist-to` folder, test secrets in a temp env file, and `wrangler dev` started by PID on a free port.
 * Nothing touches the checkout's web/dist, .dev.vars or .wrangler/state, so a running `npm run dev` is safe.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");
const wranglerBin = join(root, "node_modules", ".bin", "wrangler");
const viteBin = join(root, "node_modules", ".bin", "vite");

export interface DevServer {
  url: string;
  stop(): Promise<void>;
}

export async function startDevServer(): Promise<DevServer> {
  const dir = mkdtempSync(join(tmpdir(), "nodebase-browser-"));
  const assets = join(dir, "dist");
  const persistTo = join(dir, "state");
  const envFile = join(dir, "test.env");
  // A private dev registry: another `wrangler dev` of a worker named "nodebase" on this machine (other
  // sessions, `npm run dev`) would otherwise share it and restart ours mid-test.
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CI: "true",
    WRANGLER_REGISTRY_PATH: join(dir, "registry"),
  };
  mkdirSync(env.WRANGLER_REGISTRY_PATH, { recursive: true });

  writeFileSync(
    envFile,
    [
      "NODEBASE_ENV=development",
      `AUTH_SECRET=${randomBytes(32).toString("hex")}`,
      `CREDENTIAL_KEYS=k1:${randomBytes(32).toString("base64")}`,
    ].join("\n") + "\n",
  );

  runOrThrow(
    viteBin,
    ["build", "--config", "web/vite.config.ts", "--outDir", assets, "--logLevel", "warn"],
    env,
  );
  runOrThrow(wranglerBin, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], env);

  const port = Number(process.env.BROWSER_TEST_PORT ?? (await freePort()));
  const inspectorPort = process.env.BROWSER_TEST_PORT ? port + 1 : await freePort();
  const url = `http://127.0.0.1:${port}`;
  // detached: wrangler gets its own process group, so one kill reaches it and its workerd children.
  const child = spawn(
    wranglerBin,
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistTo,
      "--env-file",
      envFile,
      "--assets",
      assets,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));

  const stop = async () => {
    await killGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`);
    try {
      // An API path proves the Worker (not only the asset server) is answering.
      const res = await fetch(`${url}/api/openapi.json`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not become ready at ${url} in 90 s:\n${output()}`);
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

function runOrThrow(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
