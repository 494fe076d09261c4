import { describe, expect, it } from "vitest";
import { findLeakingEdges, LoopGraph, type LoopNodeRef } from "./loop-graph";
import type { NodeOutcome } from "./run-plan";

const node = (id: string): LoopNodeRef => ({ id, name: id.toUpperCase() });
const loop = (id: string): LoopNodeRef => ({ id, name: id.toUpperCase(), loopHandle: "item" });
const edge = (source: string, target: string, sourceHandle = "main") => ({
  id: `${source}-${target}`,
  source,
  target,
  sourceHandle,
});

// t → L ─item→ a → b ; L ─done→ z        (a second loop M nested in L: a ─→ M ─item→ m ; M ─done→ b)
const nested = {
  nodes: [node("t"), loop("l"), node("a"), loop("m"), node("m1"), node("b"), node("z")],
  edges: [
    edge("t", "l"),
    edge("l", "a", "item"),
    edge("a", "m"),
    edge("m", "m1", "item"),
    edge("m", "b", "done"),
    edge("l", "z", "done"),
  ],
};

describe("LoopGraph", () => {
  it("takes every node reachable from the item output as the body, nested bodies included", () => {
    const g = new LoopGraph(nested.nodes, nested.edges);
    expect(g.body("l")).toEqual(["a", "m", "m1", "b"]);
    expect(g.body("m")).toEqual(["m1"]);
    expect(g.directBody("l")).toEqual(["a", "m", "b"]);
    expect(g.loopOf("m1")).toBe("m");
    expect(g.loopOf("m")).toBe("l");
    expect(g.loopOf("z")).toBeUndefined();
    expect(g.entries("l")).toEqual(["a"]);
    expect(g.sinks("l")).toEqual(["b"]);
    expect(g.sinks("m")).toEqual(["m1"]);
  });

  it("plans the top level without the bodies: the loop continues on done", () => {
    const plan = new LoopGraph(nested.nodes, nested.edges).topLevelPlan("t");
    expect(plan.nodeIds).toEqual(["t", "l", "z"]);
    const outcomes = new Map<string, NodeOutcome>([
      ["t", { kind: "done", branch: "main" }],
      ["l", { kind: "done", branch: "done" }],
    ]);
    expect(plan.next(outcomes, new Set(["t", "l"]))).toEqual({ run: ["z"], skip: [] });
  });

  it("plans one element's run from the loop node, a nested loop counting as one node", () => {
    const plan = new LoopGraph(nested.nodes, nested.edges).bodyPlan("l");
    expect(plan.nodeIds).toEqual(["l", "a", "m", "b"]);
    const outcomes = new Map<string, NodeOutcome>([["l", { kind: "done", branch: "item" }]]);
    expect(plan.next(outcomes, new Set(["l"]))).toEqual({ run: ["a"], skip: [] });
    outcomes.set("a", { kind: "done", branch: "main" });
    outcomes.set("m", { kind: "done", branch: "done" });
    expect(plan.next(outcomes, new Set(["l", "a", "m"]))).toEqual({ run: ["b"], skip: [] });
  });

  it("keeps branches inside a body: the untaken side is skipped per element", () => {
    const nodes = [node("t"), loop("l"), node("if"), node("yes"), node("no")];
    const edges = [
      edge("t", "l"),
      edge("l", "if", "item"),
      edge("if", "yes", "true"),
      edge("if", "no", "false"),
    ];
    const g = new LoopGraph(nodes, edges);
    expect(g.sinks("l")).toEqual(["yes", "no"]);
    const outcomes = new Map<string, NodeOutcome>([
      ["l", { kind: "done", branch: "item" }],
      ["if", { kind: "done", branch: "false" }],
    ]);
    expect(g.bodyPlan("l").next(outcomes, new Set(["l", "if"]))).toEqual({ run: ["no"], skip: ["yes"] });
  });
});

describe("findLeakingEdges", () => {
  it("accepts nested loops whose bodies stay inside", () => {
    expect(findLeakingEdges(nested.nodes, nested.edges)).toEqual([]);
  });

  it("refuses an edge from a body node to a node outside the body, naming the edge", () => {
    const edges = [...nested.edges, { id: "leak", source: "a", target: "z", sourceHandle: "main" }];
    expect(findLeakingEdges(nested.nodes, edges)).toEqual([
      expect.objectContaining({ code: "loop_edge_leaves_body", edgeId: "leak", nodeId: "a" }),
    ]);
    expect(findLeakingEdges(nested.nodes, edges)[0].message).toContain("Edge 'leak' leads from 'A'");
  });

  it("refuses an edge from outside into a body node, and a nested body leaking into the outer one", () => {
    const into = [...nested.edges, { id: "in", source: "t", target: "a", sourceHandle: "main" }];
    expect(findLeakingEdges(nested.nodes, into)).toEqual([
      expect.objectContaining({ code: "loop_edge_enters_body", edgeId: "in", nodeId: "a" }),
    ]);
    const inner = [...nested.edges, { id: "out", source: "m1", target: "b", sourceHandle: "main" }];
    expect(findLeakingEdges(nested.nodes, inner)).toEqual([
      expect.objectContaining({ code: "loop_edge_leaves_body", edgeId: "out", nodeId: "m1" }),
    ]);
  });
});
