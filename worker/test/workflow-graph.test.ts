/** Saves of graphs with the real flow nodes: branch handles, dynamic switch outputs, loops. */
import { describe, expect, it } from "vitest";
import { signUp } from "./helpers";
import { manualNode } from "./workflow-fixtures";

const node = (id: string, type: string, parameters: Record<string, unknown> = {}) => ({
  id,
  type,
  name: `${type} ${id}`,
  position: { x: 0, y: 0 },
  parameters,
});
const edge = (id: string, source: string, target: string, sourceHandle = "main") => ({
  id,
  source,
  target,
  sourceHandle,
});
const rules = { rules: [{ when: "{{ $json.big }}", output: "big" }], fallback: "small" };

describe("graphs with branches", () => {
  it("saves if/switch branches on their own handles", async () => {
    const user = await signUp();
    const doc = {
      name: "Branches",
      nodes: [
        manualNode(),
        node("i", "if", { condition: "{{ $json.ok }}" }),
        node("s", "switch", rules),
        node("a", "set"),
        node("b", "set"),
      ],
      edges: [
        edge("1", "m1", "i"),
        edge("2", "i", "s", "true"),
        edge("3", "i", "a", "false"),
        edge("4", "s", "a", "big"),
        edge("5", "s", "b", "small"),
      ],
    };
    const res = await user.fetch("/api/workflows", { method: "POST", json: doc });
    expect(res.status).toBe(201);
    const wf = (await res.json()) as { edges: { sourceHandle: string }[] };
    expect(wf.edges.map((e) => e.sourceHandle)).toEqual(["main", "true", "false", "big", "small"]);
  });

  it("refuses handles a node does not have: 'main' on if, a rule output switch does not define", async () => {
    const user = await signUp();
    const doc = {
      name: "Bad handles",
      nodes: [manualNode(), node("i", "if"), node("s", "switch", rules), node("a", "set")],
      edges: [edge("1", "m1", "i"), edge("2", "i", "s", "main"), edge("3", "s", "a", "medium")],
    };
    const res = await user.fetch("/api/workflows", { method: "POST", json: doc });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: Record<string, unknown>[] } };
    expect(body.error.details).toEqual([
      expect.objectContaining({
        code: "invalid_handle",
        edgeId: "2",
        nodeId: "i",
        nodeName: "if i",
        field: "sourceHandle",
      }),
      expect.objectContaining({
        code: "invalid_handle",
        edgeId: "3",
        nodeId: "s",
        nodeName: "switch s",
        field: "sourceHandle",
      }),
    ]);
    expect(((await (await user.fetch("/api/workflows")).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("refuses a loop between ordinary nodes, naming exactly the nodes on it", async () => {
    const user = await signUp();
    const doc = {
      name: "Loop",
      nodes: [manualNode(), node("a", "set"), node("b", "set"), node("c", "set")],
      edges: [edge("1", "m1", "a"), edge("2", "a", "b"), edge("3", "b", "a"), edge("4", "b", "c")],
    };
    const res = await user.fetch("/api/workflows", { method: "POST", json: doc });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: { code: string; nodeId: string }[] } };
    expect(body.error.details.map((d) => [d.code, d.nodeId])).toEqual([
      ["cycle", "a"],
      ["cycle", "b"],
    ]);
  });

  it("describes switch as having dynamic outputs in /api/node-types", async () => {
    const user = await signUp();
    const { items } = (await (await user.fetch("/api/node-types")).json()) as {
      items: Record<string, unknown>[];
    };
    expect(items.find((t) => t.type === "switch")).toMatchObject({
      dynamicOutputs: true,
      outputs: ["fallback"],
    });
    expect(items.find((t) => t.type === "if")).toMatchObject({ outputs: ["true", "false"] });
    expect(items.find((t) => t.type === "if")).not.toHaveProperty("dynamicOutputs");
  });
});
