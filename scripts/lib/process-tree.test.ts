import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs module of the dev scripts (no types)
import { descendants, descendantsAsync } from "./process-tree.mjs";

const linux = process.platform === "linux";
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe.runIf(linux)("the process tree read from /proc", () => {
  it("finds a child and its grandchild, the same way read with and without blocking", async () => {
    // A child that starts a grandchild and prints both PIDs: wrangler and its workerd, in small.
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const g=require("child_process").spawn(process.execPath,["-e","setInterval(()=>{},1000)"],{stdio:"ignore"});` +
          `console.log(process.pid+" "+g.pid);setInterval(()=>{},1000);` +
          `process.on("SIGTERM",()=>{g.kill("SIGKILL");process.exit(0)});`,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    cleanups.push(() => child.kill("SIGTERM"));
    const [childPid, grandchildPid] = await new Promise<number[]>((resolve) =>
      child.stdout!.once("data", (d) => resolve(String(d).trim().split(" ").map(Number))),
    );
    const blocking: number[] = descendants(process.pid);
    const async: number[] = await descendantsAsync(process.pid);
    expect(blocking).toEqual(expect.arrayContaining([process.pid, childPid, grandchildPid]));
    expect([...async].sort()).toEqual([...blocking].sort());
    // Below the child: only the grandchild; a PID that does not exist has nothing below it.
    expect(await descendantsAsync(childPid)).toEqual([childPid, grandchildPid]);
    expect(await descendantsAsync(2 ** 22 + 1)).toEqual([2 ** 22 + 1]);
  });
});
