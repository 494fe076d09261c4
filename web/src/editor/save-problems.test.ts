import { describe, expect, it } from "vitest";
import type { WorkflowNode } from "../api/types";
import { problemsByNode, problemsFromDetails } from "./save-problems";

const nodes: WorkflowNode[] = [
  { id: "a", type: "set", name: "Set", position: { x: 0, y: 0 }, parameters: {} },
  { id: "b", type: "httpRequest", name: "Fetch", position: { x: 0, y: 0 }, parameters: {} },
];

describe("server problems on nodes and fields", () => {
  it("places each detail on its node (by id or name) and field, without repeating the field in the text", () => {
    const problems = problemsFromDetails(
      [
        {
          code: "invalid_parameter",
          nodeId: "b",
          nodeName: "Fetch",
          field: "parameters.url",
          message: "Fetch: parameters.url: Invalid URL",
        },
        { code: "duplicate_name", nodeName: "Set", field: "name", message: "Name used twice" },
        {
          code: "invalid_parameter",
          nodeId: "b",
          nodeName: "Fetch",
          field: "parameters.method",
          message: 'Fetch: Method must be one of: "GET", "POST"',
        },
        { code: "invalid_document", path: ["nodes", 1, "parameters", "method"], message: "Bad method" },
        { code: "no_trigger", message: "A workflow needs at least one trigger node" },
        "junk",
      ],
      nodes,
    );
    expect(problems).toEqual([
      { nodeId: "b", field: "parameters.url", message: "Invalid URL" },
      { nodeId: "a", field: "name", message: "Name used twice" },
      { nodeId: "b", field: "parameters.method", message: 'Method must be one of: "GET", "POST"' },
      { nodeId: "b", field: "parameters.method", message: "Bad method" },
      { nodeId: undefined, field: undefined, message: "A workflow needs at least one trigger node" },
    ]);
    expect(problemsByNode(problems).get("b")).toEqual([
      "Invalid URL",
      'Method must be one of: "GET", "POST"',
      "Bad method",
    ]);
    expect(problemsFromDetails(undefined, nodes)).toEqual([]);
  });
});
