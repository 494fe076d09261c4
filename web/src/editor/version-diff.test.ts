import { describe, expect, it } from "vitest";
import type { WorkflowDocument, WorkflowNode } from "../api/types";
import { diffVersion, isEmptyDiff } from "./version-diff";

const node = (id: string, name: string, parameters: Record<string, unknown> = {}): WorkflowNode => ({
  id,
  type: "set",
  name,
  position: { x: 0, y: 0 },
  parameters,
});
const doc = (nodes: WorkflowNode[], edges: WorkflowDocument["edges"] = [], name = "W"): WorkflowDocument => ({
  name,
  nodes,
  edges,
});

describe("diffVersion", () => {
  it("names nodes added back, removed and changed, with the fields that differ", () => {
    const current = doc(
      [node("a", "Start"), node("b", "Double", { fields: { n: 2 } }), node("c", "New")],
      [{ id: "e1", source: "a", target: "c", sourceHandle: "main" }],
    );
    const version = doc(
      [node("a", "Start"), node("b", "Twice", { fields: { n: 1 } }), node("d", "Old")],
      [{ id: "e9", source: "a", target: "d", sourceHandle: "true" }],
      "W before",
    );
    const diff = diffVersion(current, version);
    expect(diff.added.map((n) => n.name)).toEqual(["Old"]);
    expect(diff.removed.map((n) => n.name)).toEqual(["New"]);
    expect(diff.changed).toEqual([{ id: "b", name: "Twice", fields: ["name", "parameters.fields"] }]);
    expect(diff.connected).toEqual(["Start (true) → Old"]);
    expect(diff.disconnected).toEqual(["Start → New"]);
    expect(diff.renamedFrom).toBe("W before");
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it("sees no change when only key order differs", () => {
    const a = doc([node("a", "A", { x: 1, y: { p: 1, q: 2 } })]);
    const b = doc([node("a", "A", { y: { q: 2, p: 1 }, x: 1 })]);
    expect(isEmptyDiff(diffVersion(a, b))).toBe(true);
  });
});
