/**
 * A throw-away Nodebase for browser tests: the SPA built into a temp folder, D1 migrated into a temp
 * `--persist-to` folder, test secrets in a temp env file, and `wrangler dev` started by PID on a free port,
 * with the code runner's own `wrangler dev` beside it (scripts/lib/code-runner.mjs), as `npm run dev` has.
 * Nothing touches the checkout's web/dist, .dev.vars or .wrangler/state, so a running `npm run dev` is safe.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  applyMigrations,
  buildSpa,
  freePort,
  killGroup,
  localSecrets,
  privateWranglerEnv,
  spawnWranglerDev,
  waitUntilReady,
} from "../../../scripts/lib/local-worker.mjs";
import { superviseCodeRunner } from "../../../scripts/lib/code-runner.mjs";
import { artifactsDir } from "./browser";

export interface DevServer {
  url: string;
  /** The code runner's wrangler (its own process group). */
  codeRunnerPid(): number | undefined;
  stop(): Promise<void>;
}

export async function startDevServer(): Promise<DevServer> {
  const dir = mkdtempSync(join(tmpdir(), "nodebase-browser-"));
  const assets = join(dir, "dist");
  const persistTo = join(dir, "state");
  const envFile = join(dir, "test.env");
  const env = privateWranglerEnv(join(dir, "registry"));

  writeFileSync(
    envFile,
    Object.entries(localSecrets())
      .map(([key, value]) => `${key}=${value}\n`)
      .join(""),
  );

  buildSpa(assets, env);
  applyMigrations(persistTo, env);

  // First, so the main Worker's CODE_RUNNER binding finds it in the (private) dev registry at once.
  const runner = superviseCodeRunner({
    env,
    kill: killGroup,
    detached: true,
    log: (line) => console.error(`[code runner] ${line}`),
  });
  try {
    await runner.ready;
  } catch (error) {
    await runner.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const port = Number(process.env.BROWSER_TEST_PORT ?? (await freePort()));
  const inspectorPort = process.env.BROWSER_TEST_PORT ? port + 1 : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dev = spawnWranglerDev({
    port,
    inspectorPort,
    persistTo,
    args: [
      "--env-file",
      envFile,
      "--assets",
      assets,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    env,
    detached: true,
  });

  // A wrangler that dies mid-suite fails every later test with "connection refused": say why, once,
  // with the end of what it printed (its log level is warn, so this is the crash, not the traffic).
  let stopping = false;
  dev.child.once("exit", (code, signal) => {
    if (stopping) return;
    console.error(
      `wrangler dev (pid ${dev.child.pid}) exited mid-suite with ${code ?? signal}; its last output:\n` +
        dev.output().slice(-6000),
    );
  });

  const stop = async () => {
    stopping = true;
    // Kept for a failed run to read: "Your worker restarted mid-request" and workerd's own errors show up
    // here even when wrangler lives on (at log level warn it is short).
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, "wrangler-dev.log"), dev.output());
    await killGroup(dev.child);
    await runner.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(url, dev, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, codeRunnerPid: runner.pid, stop };
}
