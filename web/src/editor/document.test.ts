import { describe, expect, it } from "vitest";
import type { WorkflowDocument } from "../api/types";
import {
  extractFragment,
  parseFragment,
  prepareFragment,
  uniqueName,
  upstreamNodeIds,
  wouldCreateCycle,
} from "./document";

const doc: WorkflowDocument = {
  name: "W",
  nodes: [
    {
      id: "t",
      type: "webhookTrigger",
      name: "Webhook",
      position: { x: 0, y: 0 },
      parameters: {},
      webhookId: "wh1",
    },
    { id: "s", type: "set", name: "Set", position: { x: 200, y: 0 }, parameters: { fields: { a: "1" } } },
    { id: "i", type: "if", name: "If", position: { x: 400, y: 0 }, parameters: {} },
    { id: "h", type: "httpRequest", name: "HTTP request", position: { x: 600, y: 0 }, parameters: {} },
  ],
  edges: [
    { id: "e1", source: "t", target: "s", sourceHandle: "main" },
    { id: "e2", source: "s", target: "i", sourceHandle: "main" },
    { id: "e3", source: "i", target: "h", sourceHandle: "true" },
  ],
};

describe("workflow document operations", () => {
  it("makes unique names: Set, Set 1, Set 2", () => {
    expect(uniqueName("Set", [])).toBe("Set");
    expect(uniqueName("Set", ["Set"])).toBe("Set 1");
    expect(uniqueName("Set", ["Set", "Set 1"])).toBe("Set 2");
    expect(uniqueName("  ", [])).toBe("Node");
  });

  it("copies the selected nodes with the edges between them, without webhook ids", () => {
    const fragment = extractFragment(doc, new Set(["t", "s"]));
    expect(fragment.nodes.map((n) => n.id)).toEqual(["t", "s"]);
    expect(fragment.edges.map((e) => e.id)).toEqual(["e1"]);
    expect(fragment.nodes[0].webhookId).toBeUndefined();
  });

  it("pastes with fresh ids, unique names, moved positions and edges following the new ids", () => {
    const fragment = { nodes: doc.nodes.slice(1, 3), edges: doc.edges };
    const pasted = prepareFragment(fragment, doc, { x: 40, y: 40 });
    expect(pasted.nodes.map((n) => n.name)).toEqual(["Set 1", "If 1"]);
    const ids = pasted.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(doc.nodes.some((n) => n.id === id)).toBe(false);
    expect(pasted.nodes[0].position).toEqual({ x: 240, y: 40 });
    // Only s → i survives (the others lead outside the fragment), re-pointed at the copies.
    expect(pasted.edges).toEqual([
      { id: expect.any(String), source: ids[0], target: ids[1], sourceHandle: "main" },
    ]);
    expect(pasted.nodes[0].parameters).toEqual({ fields: { a: "1" } });
    expect(pasted.nodes[0].parameters).not.toBe(doc.nodes[1].parameters);
  });

  it("reads pasted JSON as a document, a node list or one node, and refuses anything else", () => {
    expect(parseFragment(JSON.stringify(doc))?.nodes).toHaveLength(4);
    expect(parseFragment(JSON.stringify(doc.nodes))?.edges).toEqual([]);
    expect(parseFragment(JSON.stringify(doc.nodes[1]))?.nodes).toHaveLength(1);
    expect(parseFragment("hello")).toBeNull();
    expect(parseFragment('{"nodes": [{"name": "no type"}]}')).toBeNull();
    expect(parseFragment("[]")).toBeNull();
  });

  it("refuses connections that would close a loop", () => {
    expect(wouldCreateCycle(doc.edges, "h", "t")).toBe(true);
    expect(wouldCreateCycle(doc.edges, "s", "s")).toBe(true);
    expect(wouldCreateCycle(doc.edges, "t", "h")).toBe(false);
  });

  it("lists the nodes upstream of a node, nearest first", () => {
    expect(upstreamNodeIds(doc.edges, "h")).toEqual(["i", "s", "t"]);
    expect(upstreamNodeIds(doc.edges, "t")).toEqual([]);
  });
});
