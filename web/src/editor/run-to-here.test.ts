import { describe, expect, it } from "vitest";
import type { NodeTypeInfo } from "../api/node-types";
import { parsePinText } from "./pin-text";
import { applyReplay } from "./replay";
import { planRunToHere } from "./run-to-here";
import type { Workflow } from "../api/types";

const info = (type: string, trigger?: string, samplePayload?: unknown) =>
  ({
    type,
    title: type,
    category: "core",
    version: 1,
    parameters: {},
    outputs: ["main"],
    trigger,
    samplePayload,
  }) as NodeTypeInfo;
const typeMap = new Map([
  ["manualTrigger", info("manualTrigger", "manual")],
  [
    "webhookTrigger",
    info("webhookTrigger", "webhook", { method: "POST", headers: {}, query: {}, body: { sample: true } }),
  ],
  ["set", info("set")],
]);
const nodes = [
  { id: "hook", type: "webhookTrigger" },
  { id: "man", type: "manualTrigger" },
  { id: "a", type: "set" },
  { id: "b", type: "set" },
  { id: "lonely", type: "set" },
];
const edges = [
  { source: "hook", target: "a" },
  { source: "a", target: "b" },
  { source: "man", target: "b" },
];
const plan = (nodeId: string, pins: Record<string, unknown> = {}, last = new Map<string, unknown>()) =>
  planRunToHere({ nodeId, nodes, edges, typeMap, pins, lastOutputs: last });

describe("Run to here", () => {
  it("starts at a trigger that leads to the node, a manual one first", () => {
    expect(plan("b")).toEqual({ ok: true, triggerId: "man", payload: {} });
    expect(plan("a")).toEqual({
      ok: true,
      triggerId: "hook",
      payload: { method: "POST", headers: {}, query: {}, body: { sample: true } },
    });
  });

  it("uses the trigger's pin, else its latest output", () => {
    expect(
      plan("a", { hook: { body: { pinned: 1 } } }, new Map([["hook", { body: { last: 1 } }]])),
    ).toMatchObject({
      payload: { body: { pinned: 1 } },
    });
    expect(plan("a", {}, new Map([["hook", { body: { last: 1 } }]]))).toMatchObject({
      payload: { body: { last: 1 } },
    });
  });

  it("says so when no trigger leads to the node", () => {
    expect(plan("lonely")).toEqual({
      ok: false,
      message: expect.stringContaining("No trigger leads to this node"),
    });
  });
});

describe("pinned data text", () => {
  it("accepts any JSON value and names the problem otherwise", () => {
    expect(parsePinText('{ "a": [1, 2] }')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parsePinText("42")).toEqual({ ok: true, value: 42 });
    expect(parsePinText("  ")).toMatchObject({
      ok: false,
      message: expect.stringContaining("Write a JSON value"),
    });
    expect(parsePinText("{ a: 1 }")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Not valid JSON: /),
    });
  });
});

describe("Open in editor with this data", () => {
  const workflow = {
    id: "w1",
    name: "W",
    active: true,
    version: 3,
    tags: [],
    createdAt: "",
    updatedAt: "",
    settings: {},
    nodes: [{ id: "hook", type: "webhookTrigger", name: "Hook", position: { x: 0, y: 0 }, parameters: {} }],
    edges: [],
    pinData: { other: 1 },
  } as unknown as Workflow;

  it("pins the run's trigger output next to the pins already there", () => {
    const applied = applyReplay(workflow, { executionId: "e1", nodeId: "hook", data: { body: { n: 1 } } });
    expect(applied).toMatchObject({ document: { pinData: { other: 1, hook: { body: { n: 1 } } } } });
  });

  it("says why when the run's trigger is gone or its data could not be read", () => {
    expect(applyReplay(workflow, { executionId: "e1", nodeId: "old", data: {} })).toEqual({
      problem: expect.stringContaining("no longer in this workflow"),
    });
    expect(applyReplay(workflow, { executionId: "e1", nodeId: null, data: null })).toEqual({
      problem: "Could not read the data of that run.",
    });
  });
});
