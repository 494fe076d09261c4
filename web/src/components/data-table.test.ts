import { describe, expect, it } from "vitest";
import { tableOf } from "./data-table";

describe("tableOf", () => {
  it("makes a row per object and a column per key, in first-seen order", () => {
    expect(
      tableOf([
        { id: 1, name: "Ada" },
        { id: 2, email: "g@x.io", tags: ["a"] },
      ]),
    ).toEqual({
      columns: ["id", "name", "email", "tags"],
      rows: [
        ["1", "Ada", "", ""],
        ["2", "", "g@x.io", '["a"]'],
      ],
      hiddenRows: 0,
    });
  });

  it("shows one object as one row and scalars in a value column", () => {
    expect(tableOf({ status: 200, body: { ok: true } })).toEqual({
      columns: ["status", "body"],
      rows: [["200", '{"ok":true}']],
      hiddenRows: 0,
    });
    expect(tableOf([1, "two", null])).toEqual({
      columns: ["value"],
      rows: [["1"], ["two"], ["null"]],
      hiddenRows: 0,
    });
  });

  it("has no table for a scalar, and bounds rows and cell length", () => {
    expect(tableOf(42)).toBeNull();
    const many = tableOf(Array.from({ length: 250 }, (_, i) => ({ i, text: "x".repeat(500) })))!;
    expect(many.rows).toHaveLength(200);
    expect(many.hiddenRows).toBe(50);
    expect(many.rows[0][1]).toHaveLength(200);
  });
});
