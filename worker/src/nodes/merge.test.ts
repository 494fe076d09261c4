import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { merge } from "./merge";

describe("merge", () => {
  it("outputs the outputs of the branches that ran, by node name", async () => {
    const input = { "Fetch A": { a: 1 }, "Fetch B": { b: 2 } };
    expect(await runNode(merge, {}, { input })).toEqual({ output: input });
  });

  it("takes no parameters", () => {
    expect(merge.parameters.safeParse({ mode: "append" }).success).toBe(false);
  });
});
