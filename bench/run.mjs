#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark script in bench/ (each `*.mjs` except this one), one after the
 * other, and exits non-zero if any of them failed. Arguments are passed to every script.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dirname;
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".mjs") && f !== "run.mjs")
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== bench/${script}`);
  const result = spawnSync(process.execPath, [join(dir, script), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  if (result.status !== 0) {
    failed++;
    console.error(`bench/${script} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed ? 1 : 0);
