#!/usr/bin/env node
/**
 * `npm test`: every test (workerd unit + scenario tests, then browser tests), ending with the line
 * `N passed, M failed[, K skipped]`. Extra arguments go to vitest (e.g. `npm test -- worker/src/nodes`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildSpa, root } from "./lib/local-worker.mjs";

// wrangler.toml serves web/dist as the Worker's assets, and workerd refuses to start the test Worker
// when that folder is missing (a fresh clone): build the SPA once first. Browser tests build their own copy.
if (!existsSync(join(root, "web/dist/index.html"))) {
  console.log("web/dist is missing: building the SPA first");
  buildSpa(join(root, "web/dist"), process.env);
}

const args = [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=./scripts/summary-reporter.mjs",
  ...process.argv.slice(2),
];
const result = spawnSync("npx", args, {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
process.exit(result.status ?? 1);
