import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { decodeStepsCursor, encodeStepsCursor, stepPageEnd } from "./step-pages";

describe("step pages", () => {
  it("stops at the count limit or before the step that would pass the byte budget", () => {
    expect(stepPageEnd([10, 10, 10, 10], 0, 3, 100)).toBe(3);
    expect(stepPageEnd([40, 40, 40, 40], 0, 10, 100)).toBe(2);
    expect(stepPageEnd([40, 40, 40, 40], 2, 10, 100)).toBe(4);
    expect(stepPageEnd([], 0, 10, 100)).toBe(0);
  });

  it("always holds at least one step, however big", () => {
    expect(stepPageEnd([500, 1, 1], 0, 10, 100)).toBe(1);
    expect(stepPageEnd([1, 500, 1], 1, 10, 100)).toBe(2);
  });

  it("round-trips its cursor and refuses one it did not issue", () => {
    expect(decodeStepsCursor(encodeStepsCursor(137))).toBe(137);
    expect(decodeStepsCursor(undefined)).toBe(0);
    for (const bad of ["", "abc", btoa("s-1"), btoa("x12"), "%%%"]) {
      expect(() => decodeStepsCursor(bad)).toThrow(ApiError);
    }
  });
});
