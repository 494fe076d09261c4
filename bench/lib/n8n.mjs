/**
 * What the scripts that run a real n8n share (bench/n8n-side-by-side.mjs, bench/n8n-fixtures.mjs): a
 * throw-away n8n home on a free port, quiet (no telemetry, no task runners), and its CLI.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./wrangler-dev.mjs";

/**
 * A fresh n8n home (`home`) and port, the environment to run `bin` with (`extra` on top), and
 * `importActive(workflows)`: each `[fileName, workflow]` imported and every workflow activated.
 */
export async function n8nInstance(bin, prefix, extra = {}) {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const env = {
    ...process.env,
    N8N_USER_FOLDER: home,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: "127.0.0.1",
    N8N_DIAGNOSTICS_ENABLED: "false",
    N8N_VERSION_NOTIFICATIONS_ENABLED: "false",
    N8N_PERSONALIZATION_ENABLED: "false",
    N8N_RUNNERS_ENABLED: "false",
    N8N_LOG_LEVEL: "warn",
    ...extra,
  };
  const cli = (...a) => {
    const out = spawnSync(bin, a, { env, encoding: "utf8" });
    if (out.status !== 0) throw new Error(`n8n ${a.join(" ")}: ${out.stderr || out.stdout}`);
  };
  return {
    home,
    port,
    env,
    importActive(workflows) {
      const dir = join(home, "import");
      mkdirSync(dir);
      for (const [file, workflow] of workflows) writeFileSync(join(dir, file), JSON.stringify(workflow));
      cli("import:workflow", "--separate", `--input=${dir}`);
      cli("update:workflow", "--all", "--active=true");
    },
  };
}
