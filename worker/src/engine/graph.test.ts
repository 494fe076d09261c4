import { describe, expect, it } from "vitest";
import {
  findCycles,
  findDanglingEdges,
  findDuplicateEdgeIds,
  findDuplicateNodeIds,
  findDuplicateNodeNames,
  findParallelEdges,
  topologicalOrder,
} from "./graph";

const node = (id: string, name = id.toUpperCase()) => ({ id, name });
const edge = (id: string, source: string, target: string, sourceHandle = "main") => ({
  id,
  source,
  target,
  sourceHandle,
});

describe("graph checks", () => {
  it("finds repeated node ids and names, naming the repeat", () => {
    expect(findDuplicateNodeIds([node("a"), node("b"), node("a", "Other")])).toEqual([
      expect.objectContaining({ code: "duplicate_node_id", nodeId: "a", nodeName: "Other", field: "id" }),
    ]);
    expect(findDuplicateNodeNames([node("a", "X"), node("b", "X"), node("c", "Y")])).toEqual([
      expect.objectContaining({ code: "duplicate_node_name", nodeId: "b", nodeName: "X", field: "name" }),
    ]);
    expect(findDuplicateNodeIds([node("a"), node("b")])).toEqual([]);
  });

  it("finds repeated edge ids and parallel edges", () => {
    expect(findDuplicateEdgeIds([edge("e", "a", "b"), edge("e", "b", "c")])).toEqual([
      expect.objectContaining({ code: "duplicate_edge_id", edgeId: "e" }),
    ]);
    expect(
      findParallelEdges([edge("e1", "a", "b"), edge("e2", "a", "b"), edge("e3", "a", "b", "true")]),
    ).toEqual([expect.objectContaining({ code: "duplicate_edge", edgeId: "e2" })]);
  });

  it("finds edges whose ends are not nodes", () => {
    expect(findDanglingEdges([node("a")], [edge("e1", "a", "zz"), edge("e2", "yy", "a")])).toEqual([
      expect.objectContaining({ code: "dangling_edge", edgeId: "e1", field: "target" }),
      expect.objectContaining({ code: "dangling_edge", edgeId: "e2", field: "source" }),
    ]);
  });

  it("orders a DAG so every edge goes forward", () => {
    const nodes = [node("d"), node("b"), node("a"), node("c")];
    const edges = [edge("1", "a", "b"), edge("2", "a", "c"), edge("3", "b", "d"), edge("4", "c", "d")];
    const { order, cycle } = topologicalOrder(nodes, edges);
    expect(cycle).toEqual([]);
    for (const e of edges) expect(order.indexOf(e.source)).toBeLessThan(order.indexOf(e.target));
  });

  it("names exactly the nodes on a cycle, not those after it", () => {
    const nodes = [node("t"), node("a"), node("b"), node("after")];
    const edges = [edge("1", "t", "a"), edge("2", "a", "b"), edge("3", "b", "a"), edge("4", "b", "after")];
    expect(findCycles(nodes, edges).map((p) => p.nodeId)).toEqual(["a", "b"]);
    expect(findCycles([node("s")], [edge("1", "s", "s")])).toEqual([
      expect.objectContaining({ code: "cycle", nodeId: "s", nodeName: "S" }),
    ]);
    expect(findCycles(nodes, edges.slice(0, 2))).toEqual([]);
  });
});
