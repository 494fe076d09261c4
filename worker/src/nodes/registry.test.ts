import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getNodeType, nodeTypes } from "./registry";

describe("node registry", () => {
  it("files every node type under its own type id", () => {
    for (const [key, node] of Object.entries(nodeTypes)) expect(node.type, key).toBe(key);
  });

  it("gives every node type a parameter schema the editor can turn into a form", () => {
    for (const node of Object.values(nodeTypes)) {
      const schema = z.toJSONSchema(node.parameters, { io: "input", unrepresentable: "any" }) as {
        type?: string;
      };
      expect(schema.type, node.type).toBe("object");
    }
  });

  it("describes every parameter, so forms have labels", () => {
    for (const node of Object.values(nodeTypes)) {
      const schema = z.toJSONSchema(node.parameters, { io: "input", unrepresentable: "any" }) as {
        properties?: Record<string, { description?: string }>;
      };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${node.type}.${name}`).toBeTruthy();
      }
    }
  });

  it("finds node types by id and nothing else", () => {
    expect(getNodeType("httpRequest")?.title).toBe("HTTP request");
    expect(getNodeType("toString")).toBeUndefined();
    expect(getNodeType("__proto__")).toBeUndefined();
  });
});
