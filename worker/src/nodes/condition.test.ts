import { describe, expect, it } from "vitest";
import { conditionIsTrue } from "./condition";

describe("conditionIsTrue", () => {
  it("reads booleans and the words true/false", () => {
    expect(conditionIsTrue(true)).toBe(true);
    expect(conditionIsTrue(false)).toBe(false);
    expect(conditionIsTrue(" TRUE ")).toBe(true);
    expect(conditionIsTrue("false")).toBe(false);
  });

  it("follows JSONata truthiness for everything else", () => {
    for (const value of ["", 0, null, undefined, [], {}, [0, ""], [[]]])
      expect(conditionIsTrue(value), JSON.stringify(value)).toBe(false);
    for (const value of ["no", "0", 1, -2, [0, 1], { a: 0 }])
      expect(conditionIsTrue(value), JSON.stringify(value)).toBe(true);
  });
});
