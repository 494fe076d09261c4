import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs module of the dev scripts (no types)
import { drainBacklog, startUntilReady } from "./restart-policy.mjs";

/** A clock that only moves when the code under test sleeps: counts decide, never real time. */
function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

const reader = (counts: (number | null)[]) => {
  let i = 0;
  return async () => counts[Math.min(i++, counts.length - 1)];
};

describe("drainBacklog", () => {
  it("waits until the unfinished runs reach the target", async () => {
    const clock = fakeClock();
    const r = await drainBacklog({
      read: reader([40, 25, 9, 0]),
      timeoutMs: 60_000,
      stallMs: 15_000,
      ...clock,
    });
    expect(r).toEqual({ outcome: "drained", first: 40, last: 0, reads: 4 });
  });

  it("gives up once the count stops falling (runs only the reconciler will wake)", async () => {
    const clock = fakeClock();
    const r = await drainBacklog({
      read: reader([12, 7, 7]),
      timeoutMs: 60_000,
      stallMs: 5_000,
      pollMs: 1_000,
      ...clock,
    });
    // 7 is first seen on the 2nd read; five more reads of 7 make the 5 s without progress.
    expect(r).toEqual({ outcome: "stalled", first: 12, last: 7, reads: 7 });
  });

  it("stops at its timeout while the count still falls", async () => {
    const clock = fakeClock();
    let n = 1_000;
    const r = await drainBacklog({
      read: async () => (n -= 1),
      timeoutMs: 10_000,
      stallMs: 5_000,
      pollMs: 1_000,
      ...clock,
    });
    expect(r).toEqual({ outcome: "timeout", first: 999, last: 989, reads: 11 });
  });

  it("does not hold requests when the runtime cannot tell its backlog", async () => {
    const r = await drainBacklog({
      read: reader([null]),
      timeoutMs: 60_000,
      stallMs: 15_000,
      ...fakeClock(),
    });
    expect(r).toEqual({ outcome: "unknown", first: null, last: null, reads: 1 });
  });
});

describe("startUntilReady", () => {
  it("stops each runtime that never became ready and starts another until one is", async () => {
    const stopped: string[] = [];
    const logged: string[] = [];
    let attempts = 0;
    const upstream = await startUntilReady({
      start: async () => {
        attempts++;
        if (attempts < 3)
          throw Object.assign(new Error(`not ready ${attempts}\nlong output`), { child: `c${attempts}` });
        return "ready-runtime";
      },
      stop: async (child: string) => void stopped.push(child),
      log: (line: string) => logged.push(line),
      sleep: async () => {},
    });
    expect(upstream).toBe("ready-runtime");
    expect(attempts).toBe(3);
    expect(stopped).toEqual(["c1", "c2"]);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain("attempt 1: not ready 1)");
    expect(logged[0]).not.toContain("long output");
  });

  it("gives up after maxAttempts, or at once when the supervisor is stopping, still stopping the child", async () => {
    const stopped: string[] = [];
    const failing = async () => {
      throw Object.assign(new Error("no"), { child: "c" });
    };
    const common = { stop: async (c: string) => void stopped.push(c), log: () => {}, sleep: async () => {} };
    await expect(startUntilReady({ start: failing, maxAttempts: 2, ...common })).rejects.toThrow("no");
    expect(stopped).toEqual(["c", "c"]);
    await expect(startUntilReady({ start: failing, stopping: () => true, ...common })).rejects.toThrow("no");
    expect(stopped).toHaveLength(3);
  });
});
