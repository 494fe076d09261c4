import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { wait } from "./wait";

describe("wait", () => {
  it("sleeps until the given time", () => {
    const params = wait.parameters.parse({ until: "2026-12-24T09:00:00+01:00" });
    expect(wait.pause?.(params)).toEqual({ kind: "sleep", until: new Date("2026-12-24T08:00:00Z") });
  });

  it("sleeps for the given seconds from now", () => {
    const before = Date.now();
    const pause = wait.pause?.(wait.parameters.parse({ seconds: 90 }));
    const after = Date.now();
    expect(pause?.kind).toBe("sleep");
    const until = pause?.kind === "sleep" ? pause.until.getTime() : NaN;
    expect(until).toBeGreaterThanOrEqual(before + 90_000);
    expect(until).toBeLessThanOrEqual(after + 90_000);
  });

  it("passes its input on after the sleep", async () => {
    expect(await runNode(wait, { seconds: 0 }, { input: { a: 1 } })).toEqual({ output: { a: 1 } });
  });

  it("needs exactly one of seconds and until, within a year", () => {
    for (const bad of [
      {},
      { seconds: 1, until: "2026-12-24T09:00:00Z" },
      { seconds: -1 },
      { seconds: 400 * 86400 },
      { until: "tomorrow" },
    ]) {
      expect(wait.parameters.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(wait.parameters.safeParse({ seconds: 0.5 }).success).toBe(true);
  });
});
