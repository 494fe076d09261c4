import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs module of the dev scripts (no types)
import { usage } from "./dev-supervisor.mjs";

const linux = process.platform === "linux";
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe.runIf(linux)("the supervisor's resource watch", () => {
  it("counts the SQLite databases a process below the root holds open, apart from other files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nodebase-usage-"));
    const files = ["a.sqlite", "b.sqlite", "c.sqlite", "notes.txt", "a.sqlite-wal"].map((f) => join(dir, f));
    for (const f of files) writeFileSync(f, "");
    // A child that opens the files and waits: what workerd does with its Durable Objects' databases.
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const fs=require("fs");for(const f of ${JSON.stringify(files)})fs.openSync(f,"r");` +
          `console.log("open");setInterval(()=>{},1000);`,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    cleanups.push(() => {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    });
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    const s = await usage(process.pid);
    expect(s.databases).toBe(3);
    expect(s.files).toBeGreaterThanOrEqual(files.length);
  });
});
