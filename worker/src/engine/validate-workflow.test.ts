import { z } from "zod";
import { describe, expect, it } from "vitest";
import { defineNode, type NodeType } from "../nodes/node-type";
import { validateWorkflowDocument } from "./validate-workflow";

// Small node types of each shape the validator must handle: a trigger, static branches, dynamic outputs.
const start = defineNode({
  type: "start",
  version: 1,
  title: "Start",
  description: "",
  category: "trigger",
  icon: "play",
  parameters: z.object({}),
  outputs: ["main"],
  trigger: "manual",
  run: async () => ({ output: {} }),
});
const branch = defineNode({
  type: "branch",
  version: 1,
  title: "Branch",
  description: "",
  category: "flow",
  icon: "split",
  parameters: z.object({ condition: z.string().min(1) }).strict(),
  outputs: ["true", "false"],
  run: async () => ({ output: {}, branch: "true" }),
});
const route = defineNode({
  type: "route",
  version: 1,
  title: "Route",
  description: "",
  category: "flow",
  icon: "split",
  parameters: z.object({ rules: z.array(z.object({ output: z.string() })) }),
  outputs: (p) => [...p.rules.map((r) => r.output), "fallback"],
  run: async () => ({ output: {} }),
});
const pause = defineNode({
  type: "pause",
  version: 1,
  title: "Pause",
  description: "",
  category: "flow",
  icon: "clock",
  parameters: z.object({ seconds: z.number().min(0), tags: z.array(z.string()).optional() }).strict(),
  outputs: ["main"],
  run: async () => ({ output: {} }),
});
const types: Record<string, NodeType> = { start, branch, route, pause } as Record<string, NodeType>;
const validate = (doc: unknown) => validateWorkflowDocument(doc, (t) => types[t]);

const n = (id: string, type: string, parameters: Record<string, unknown> = {}) => ({
  id,
  type,
  name: `N ${id}`,
  parameters,
});
const e = (id: string, source: string, target: string, sourceHandle = "main") => ({
  id,
  source,
  target,
  sourceHandle,
});
const problems = (doc: unknown) => {
  const r = validate(doc);
  return r.ok ? [] : r.problems;
};

describe("validateWorkflowDocument", () => {
  it("accepts a valid graph and fills defaults", () => {
    const r = validate({
      name: "ok",
      nodes: [
        n("a", "start"),
        n("b", "branch", { condition: "{{ $json.x }}" }),
        n("c", "route", { rules: [{ output: "big" }] }),
      ],
      edges: [e("1", "a", "b"), e("2", "b", "c", "true"), e("3", "b", "c", "false")],
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.document.nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it("refuses a handle the source node does not have, static and dynamic", () => {
    const found = problems({
      name: "x",
      nodes: [
        n("a", "start"),
        n("b", "branch", { condition: "c" }),
        n("c", "route", { rules: [{ output: "big" }] }),
        n("d", "branch", { condition: "c" }),
      ],
      edges: [
        e("1", "a", "b", "yes"),
        e("2", "b", "c", "maybe"),
        e("3", "c", "d", "big"),
        e("4", "c", "d", "small"),
      ],
    });
    expect(found).toEqual([
      expect.objectContaining({ code: "invalid_handle", edgeId: "1", nodeId: "a", field: "sourceHandle" }),
      expect.objectContaining({ code: "invalid_handle", edgeId: "2", nodeId: "b", nodeName: "N b" }),
      expect.objectContaining({ code: "invalid_handle", edgeId: "4", nodeId: "c" }),
    ]);
  });

  it("names the node and parameter path of invalid parameters", () => {
    expect(problems({ name: "x", nodes: [n("a", "start"), n("b", "branch", { condition: 5 })] })).toEqual([
      expect.objectContaining({
        code: "invalid_parameter",
        nodeId: "b",
        nodeName: "N b",
        field: "parameters.condition",
      }),
    ]);
    expect(
      problems({ name: "x", nodes: [n("a", "start"), n("b", "branch", { condition: "c", extra: 1 })] }),
    ).toEqual([expect.objectContaining({ code: "invalid_parameter", nodeId: "b", field: "parameters" })]);
  });

  it("lets a field holding an expression through, and still checks literal values", () => {
    const withParams = (parameters: Record<string, unknown>) =>
      problems({
        name: "x",
        nodes: [n("a", "start"), n("b", "pause", parameters)],
        edges: [e("1", "a", "b")],
      });
    expect(withParams({ seconds: "{{ $json.delay }}" })).toEqual([]);
    expect(withParams({ seconds: 5, tags: "{{ $json.tags }}" })).toEqual([]);
    expect(withParams({ seconds: "soon" })).toEqual([
      expect.objectContaining({ code: "invalid_parameter", nodeId: "b", field: "parameters.seconds" }),
    ]);
    expect(withParams({ seconds: "{{ $json.delay }}", tags: [1] })).toEqual([
      expect.objectContaining({ code: "invalid_parameter", nodeId: "b", field: "parameters.tags.0" }),
    ]);
  });

  it("refuses unknown types, edges into triggers, a graph without trigger, and cycles", () => {
    expect(problems({ name: "x", nodes: [n("a", "start"), n("b", "nope")] })).toEqual([
      expect.objectContaining({ code: "unknown_node_type", nodeId: "b", field: "type" }),
    ]);
    expect(
      problems({ name: "x", nodes: [n("a", "start"), n("b", "start")], edges: [e("1", "a", "b")] }),
    ).toEqual([expect.objectContaining({ code: "edge_into_trigger", edgeId: "1", nodeId: "b" })]);
    expect(problems({ name: "x", nodes: [n("b", "branch", { condition: "c" })] })).toEqual([
      expect.objectContaining({ code: "no_trigger" }),
    ]);
    const cyc = problems({
      name: "x",
      nodes: [n("a", "start"), n("b", "branch", { condition: "c" }), n("c", "branch", { condition: "c" })],
      edges: [e("1", "a", "b"), e("2", "b", "c", "true"), e("3", "c", "b", "false")],
    });
    expect(cyc.map((p) => [p.code, p.nodeId])).toEqual([
      ["cycle", "b"],
      ["cycle", "c"],
    ]);
  });

  it("reports shape errors with the node they are in", () => {
    expect(
      problems({ name: "x", nodes: [{ id: "a", name: "A", type: "start", position: { x: "left", y: 0 } }] }),
    ).toEqual([
      expect.objectContaining({ code: "invalid_document", nodeId: "a", nodeName: "A", field: "position.x" }),
    ]);
    expect(problems({ nodes: [] })).toEqual([
      expect.objectContaining({ code: "invalid_document", field: "name" }),
    ]);
  });
});
