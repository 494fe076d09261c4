import { describe, expect, it } from "vitest";
import { MAX_NAME_LENGTH, nameProblem } from "./names";

describe("nameProblem", () => {
  it("accepts an ordinary name and one of exactly the maximum length", () => {
    expect(nameProblem("Order sync")).toBeNull();
    expect(nameProblem("x".repeat(MAX_NAME_LENGTH))).toBeNull();
    expect(nameProblem(`  ${"x".repeat(MAX_NAME_LENGTH)}  `)).toBeNull();
  });

  it("refuses empty and space-only names, naming the field", () => {
    expect(nameProblem("")).toBe("Name cannot be empty or only spaces");
    expect(nameProblem("    ", "Workflow name")).toBe("Workflow name cannot be empty or only spaces");
  });

  it("refuses a name over the maximum and says how long it is", () => {
    expect(nameProblem("x".repeat(5000), "Workflow name")).toBe(
      "Workflow name is 5000 characters long; at most 200 are allowed",
    );
  });
});
