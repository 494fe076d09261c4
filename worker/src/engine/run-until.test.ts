import { describe, expect, it } from "vitest";
import { RunPlan, type PlanEdge } from "./run-plan";
import { graphUntil } from "./run-until";

//        ┌─> a ─> b ─> c
//   t ───┤          ↑
//        └─> x ─────┘      and   b ─> side
const edges: PlanEdge[] = [
  { source: "t", target: "a" },
  { source: "a", target: "b" },
  { source: "x", target: "b" },
  { source: "t", target: "x" },
  { source: "b", target: "c" },
  { source: "b", target: "side" },
];
const feed = (id: string): PlanEdge => ({ source: "t", target: id });
const until = (node: string, pinned: string[] = []) => graphUntil(edges, "t", node, new Set(pinned), feed);

describe("run to a node", () => {
  it("keeps the trigger and the nodes on the way, nothing after or beside", () => {
    const g = until("b");
    expect([...g.nodeIds].sort()).toEqual(["a", "b", "t", "x"]);
    expect(g.edges).toEqual(edges.slice(0, 4));
  });

  it("does not go upstream of a pinned node, which the trigger feeds instead", () => {
    const g = until("c", ["b"]);
    expect([...g.nodeIds].sort()).toEqual(["b", "c", "t"]);
    expect(g.edges).toEqual([{ source: "b", target: "c" }, feed("b")]);
    // The plan reaches everything kept: the trigger, then the pinned node, then c.
    const plan = new RunPlan(
      [...g.nodeIds].map((id) => ({ id, name: id })),
      g.edges,
      "t",
    );
    expect(plan.nodeIds.sort()).toEqual(["b", "c", "t"]);
    expect(plan.next(new Map(), new Set())).toEqual({ run: ["t"], skip: [] });
    expect(plan.next(new Map([["t", { kind: "done", branch: "main" }]]), new Set(["t"])).run).toEqual(["b"]);
  });

  it("runs just the trigger for a run to the trigger, and keeps a pinned node's other paths", () => {
    expect([...until("t").nodeIds]).toEqual(["t"]);
    // x is pinned, but a still feeds b: a runs, x does not need t's output.
    const g = until("b", ["x"]);
    expect([...g.nodeIds].sort()).toEqual(["a", "b", "t", "x"]);
    expect(g.edges).toEqual([edges[0], edges[1], edges[2], feed("x")]);
  });
});
