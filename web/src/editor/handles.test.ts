import { describe, expect, it } from "vitest";
import type { NodeTypeInfo } from "../api/node-types";
import { hasInputHandle, nodeHandles, outputHandles } from "./handles";

const info = (patch: Partial<NodeTypeInfo>): NodeTypeInfo => ({
  type: "x",
  title: "X",
  category: "core",
  version: 1,
  parameters: { type: "object", properties: {} },
  outputs: ["main"],
  ...patch,
});

const switchInfo = info({
  type: "switch",
  category: "flow",
  outputs: ["fallback"],
  dynamicOutputs: true,
  parameters: {
    type: "object",
    properties: {
      rules: {
        type: "array",
        default: [],
        items: { type: "object", properties: { when: {}, output: { type: "string" } }, required: ["output"] },
      },
      fallback: { type: "string", default: "fallback" },
    },
  },
});

describe("output handles", () => {
  it("uses the fixed outputs of a type (if: true / false)", () => {
    expect(outputHandles(info({ outputs: ["true", "false"] }), {})).toEqual(["true", "false"]);
    expect(outputHandles(info({}), { anything: 1 })).toEqual(["main"]);
  });

  it("computes switch handles from its rules plus the fallback", () => {
    expect(outputHandles(switchInfo, {})).toEqual(["fallback"]);
    expect(
      outputHandles(switchInfo, {
        rules: [{ output: "big" }, { output: "small" }, { output: "" }],
        fallback: "other",
      }),
    ).toEqual(["big", "small", "other"]);
    // A name used twice is one handle (the server refuses the duplicate; the canvas stays drawable).
    expect(outputHandles(switchInfo, { rules: [{ output: "a" }, { output: "a" }] })).toEqual([
      "a",
      "fallback",
    ]);
  });

  it("draws one main output for an unknown type, and no input on triggers", () => {
    expect(outputHandles(undefined, {})).toEqual(["main"]);
    expect(hasInputHandle(info({ trigger: "webhook", category: "trigger" }))).toBe(false);
    expect(hasInputHandle(info({}))).toBe(true);
  });

  it("adds the error handle when the node routes failures to it", () => {
    const ifInfo = info({ outputs: ["true", "false"] });
    expect(nodeHandles(ifInfo, { onError: "errorOutput" })).toEqual(["true", "false", "error"]);
    expect(nodeHandles(ifInfo, { onError: "continue" })).toEqual(["true", "false"]);
    expect(nodeHandles(undefined, { onError: "errorOutput" })).toEqual(["main", "error"]);
  });
});
