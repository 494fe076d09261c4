import { describe, expect, it } from "vitest";
import { canRedo, canUndo, createHistory, HISTORY_LIMIT, pushHistory, redo, undo } from "./history";

describe("undo history", () => {
  it("undoes and redoes snapshots in order, and a new edit drops the redo list", () => {
    let h = createHistory("a", 0);
    h = pushHistory(h, "b", undefined, 10);
    h = pushHistory(h, "c", undefined, 20);
    expect(canUndo(h)).toBe(true);
    h = undo(h);
    expect(h.present.value).toBe("b");
    h = undo(h);
    expect(h.present.value).toBe("a");
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present.value).toBe("b");
    expect(canRedo(h)).toBe(true);
    h = pushHistory(h, "d", undefined, 30);
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present.value).toBe("b");
  });

  it("merges quick edits of the same field into one step, not edits of different fields or later ones", () => {
    let h = createHistory("", 0);
    h = pushHistory(h, "h", "name", 1000);
    h = pushHistory(h, "he", "name", 1100);
    h = pushHistory(h, "hel", "name", 1200);
    expect(h.past).toHaveLength(1);
    expect(undo(h).present.value).toBe("");
    h = pushHistory(h, "hel!", "other", 1300);
    expect(h.past).toHaveLength(2);
    h = pushHistory(h, "hel!!", "other", 9000);
    expect(h.past).toHaveLength(3);
  });

  it("gives every entry a new serial (unsaved = present serial differs from the saved one)", () => {
    let h = createHistory(1, 0);
    const saved = h.present.serial;
    h = pushHistory(h, 2);
    expect(h.present.serial).not.toBe(saved);
    h = undo(h);
    expect(h.present.serial).toBe(saved);
  });

  it("keeps at most HISTORY_LIMIT undo steps", () => {
    let h = createHistory(0, 0);
    for (let i = 1; i <= HISTORY_LIMIT + 20; i++) h = pushHistory(h, i, undefined, i * 10_000);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
  });
});
