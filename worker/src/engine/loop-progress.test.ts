import { describe, expect, it } from "vitest";
import { ProgressThrottle } from "./loop-progress";

describe("ProgressThrottle", () => {
  it("lets a loop's running progress out at most once per interval, per loop", () => {
    const throttle = new ProgressThrottle(1000);
    expect(throttle.due("run/a", 10_000)).toBe(true);
    // The batches that follow within the second publish nothing.
    expect(throttle.due("run/a", 10_050)).toBe(false);
    expect(throttle.due("run/a", 10_999)).toBe(false);
    // Another loop (or run) has its own clock.
    expect(throttle.due("run/b", 10_100)).toBe(true);
    expect(throttle.due("run/a", 11_000)).toBe(true);
    expect(throttle.due("run/a", 11_500)).toBe(false);
  });

  it("starts over once the loop is forgotten (it ended)", () => {
    const throttle = new ProgressThrottle(1000);
    expect(throttle.due("run/a", 5_000)).toBe(true);
    throttle.forget("run/a");
    expect(throttle.due("run/a", 5_001)).toBe(true);
  });
});
