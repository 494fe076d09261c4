/**
 * The code runner's own `wrangler dev` (wrangler.code-runner.toml), beside the main Worker's: `code` nodes
 * run there (worker/src/sandbox/code-runner.ts). It has to be a second process: workerd runs every Worker
 * of one process on one thread, so a runner inside the main `wrangler dev` (or `wrangler dev -c a -c b`)
 * would block it again during an endless loop. wrangler's dev registry (WRANGLER_REGISTRY_PATH in `env`, or
 * the default one) connects the main Worker's CODE_RUNNER binding to it, whichever of the two starts first.
 *
 * Started by PID, restarted when it exits (after RESTART_DELAY_MS; a code node meanwhile fails with "code
 * runner unavailable", retried by its step), stopped by PID with `kill(child)` (the caller's: the
 * supervisor's killTree for a child in its own process group, local-worker's killGroup for a `detached` one).
 */
import { spawn } from "node:child_process";
import { bin, freePort, root, waitUntilReady } from "./local-worker.mjs";

export const RUNNER_CONFIG = "wrangler.code-runner.toml";
const RESTART_DELAY_MS = 1_000;
const READY_TIMEOUT_MS = 90_000;

/**
 * Starts the runner; `ready` resolves once it answers HTTP. `log(line)` gets restarts; its own output is
 * kept (last 100 kB) for `output()`. Returns `{ ready, pid(), restarts(), output(), stop() }`.
 */
export function superviseCodeRunner({ env, kill, detached = false, log = () => {} }) {
  let child = null;
  let stopping = false;
  let restarts = 0;
  let output = "";
  let timer = null;

  async function start() {
    const port = await freePort();
    const inspectorPort = await freePort();
    const current = spawn(
      bin("wrangler"),
      [
        "dev",
        ...["-c", RUNNER_CONFIG],
        ...["--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)],
        "--show-interactive-dev-session=false",
        ...["--log-level", "warn"],
      ],
      { cwd: root, env, detached, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = current;
    const keep = (chunk) => (output = (output + chunk).slice(-100_000));
    current.stdout.on("data", keep);
    current.stderr.on("data", keep);
    current.on("exit", (code, signal) => {
      if (stopping || child !== current) return;
      log(`code runner exited (${code ?? signal}); starting it again`);
      timer = setTimeout(() => {
        restarts++;
        start().catch((error) => log(`code runner did not start again: ${error.message.split("\n")[0]}`));
      }, RESTART_DELAY_MS);
    });
    await waitUntilReady(
      `http://127.0.0.1:${port}`,
      { child: current, output: () => output },
      READY_TIMEOUT_MS,
    );
  }

  const ready = start();
  return {
    ready,
    /** The PID of the current runner's wrangler. */
    pid: () => child?.pid,
    restarts: () => restarts,
    output: () => output,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      if (child) await kill(child);
    },
  };
}
