#!/usr/bin/env node
/**
 * `npm test`: every test (workerd unit + scenario tests, then browser tests), ending with the line
 * `N passed, M failed[, K skipped]`. Extra arguments go to vitest (e.g. `npm test -- worker/src/nodes`).
 */
import { spawnSync } from "node:child_process";

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
