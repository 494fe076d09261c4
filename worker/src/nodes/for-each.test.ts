import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { forEach, MAX_LOOP_ITEMS } from "./for-each";

describe("forEach", () => {
  it("hands the engine the list on its item output", async () => {
    expect(await runNode(forEach, { items: [1, { a: 2 }] })).toEqual({
      output: [1, { a: 2 }],
      branch: "item",
    });
  });

  it("defaults to one element at a time and stopping at the first failure", () => {
    expect(forEach.parameters.parse({ items: [] })).toEqual({
      items: [],
      concurrency: 1,
      onItemError: "stop",
    });
  });

  it("refuses a concurrency outside 1–20 and an unknown onItemError", () => {
    for (const bad of [
      { concurrency: 0 },
      { concurrency: 21 },
      { concurrency: 1.5 },
      { onItemError: "skip" },
    ]) {
      expect(forEach.parameters.safeParse({ items: [], ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("fails naming the node and what the expression gave when items is not a list", async () => {
    await expect(runNode(forEach, { items: { rows: [] } })).rejects.toThrow(
      'Node "For each": items must be a list, but the expression gave an object: {"rows":[]}',
    );
    await expect(runNode(forEach, { items: "a,b" })).rejects.toThrow('gave a string: "a,b"');
    await expect(runNode(forEach, {})).rejects.toThrow("gave nothing (undefined");
  });

  it("refuses more elements than a loop takes", async () => {
    const items = Array.from({ length: MAX_LOOP_ITEMS + 1 }, (_, i) => i);
    await expect(runNode(forEach, { items })).rejects.toThrow(`a loop takes at most ${MAX_LOOP_ITEMS}`);
  });

  it("declares its two outputs and which one is the loop body", () => {
    expect(forEach.outputs).toEqual(["item", "done"]);
    expect(forEach.loopHandle).toBe("item");
  });
});
