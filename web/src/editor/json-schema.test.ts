import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  emptyValueFor,
  fieldKind,
  formatLooseValue,
  labelFor,
  parseLooseValue,
  type JsonSchema,
} from "./json-schema";

// The real registry, loaded at run time: a static import would pull Worker code (and its types) into the
// SPA's typecheck, which web/ must never depend on.
const registryPath = "../../../worker/src/nodes/registry";
const { nodeTypes } = (await import(/* @vite-ignore */ registryPath)) as {
  nodeTypes: Record<string, { parameters: z.ZodType }>;
};

/** The JSON Schema exactly as GET /api/node-types makes it (worker/src/http/node-types.ts). */
const schemaOf = (type: string) =>
  z.toJSONSchema(nodeTypes[type].parameters, { io: "input", unrepresentable: "any" }) as JsonSchema;

describe("form fields from the node types' JSON Schemas", () => {
  it("draws every parameter of every registered node type with a known kind", () => {
    for (const [type, node] of Object.entries(nodeTypes)) {
      const schema = z.toJSONSchema(node.parameters, { io: "input", unrepresentable: "any" }) as JsonSchema;
      expect(fieldKind(schema).kind, type).toBe("object");
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        expect(
          ["enum", "boolean", "number", "string", "record", "object", "list", "any"],
          `${type}.${name}`,
        ).toContain(fieldKind(property).kind);
      }
    }
  });

  it("turns httpRequest's parameters into a select, a text field, records, a free value and a number", () => {
    const props = schemaOf("httpRequest").properties!;
    expect(fieldKind(props.method)).toEqual({
      kind: "enum",
      options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    });
    expect(fieldKind(props.url).kind).toBe("string");
    expect(fieldKind(props.headers).kind).toBe("record");
    expect(fieldKind(props.query).kind).toBe("record");
    expect(fieldKind(props.body).kind).toBe("any");
    expect(fieldKind(props.timeoutMs)).toEqual({ kind: "number", integer: true });
    expect(fieldKind(props.ignoreHttpErrors).kind).toBe("boolean");
    expect(schemaOf("httpRequest").required).toContain("url");
  });

  it("turns set.fields into name → value rows and switch.rules into a list of sub-forms", () => {
    expect(fieldKind(schemaOf("set").properties!.fields).kind).toBe("record");
    const rules = fieldKind(schemaOf("switch").properties!.rules);
    expect(rules.kind).toBe("list");
    const item = fieldKind((rules as { items: JsonSchema }).items);
    expect(item.kind).toBe("object");
    expect((item as { properties: [string, JsonSchema][] }).properties.map(([n]) => n)).toEqual([
      "when",
      "output",
    ]);
    expect(emptyValueFor((rules as { items: JsonSchema }).items)).toEqual({ output: "" });
  });

  it("reads nullable schemas as their non-null type and unions of constants as enums", () => {
    expect(fieldKind({ anyOf: [{ type: "string" }, { type: "null" }] }).kind).toBe("string");
    expect(fieldKind({ type: ["integer", "null"] })).toEqual({ kind: "number", integer: true });
    expect(fieldKind({ anyOf: [{ const: "a" }, { const: "b" }] })).toEqual({
      kind: "enum",
      options: ["a", "b"],
    });
    expect(fieldKind({ anyOf: [{ type: "string" }, { type: "number" }] }).kind).toBe("any");
    expect(fieldKind({ type: "object", properties: {}, additionalProperties: false }).kind).toBe("object");
  });

  it("labels fields from their names and uses defaults for new list items", () => {
    expect(labelFor("timeoutMs")).toBe("Timeout ms");
    expect(labelFor("keepInput")).toBe("Keep input");
    expect(labelFor("x", { title: "Custom" })).toBe("Custom");
    expect(emptyValueFor({ type: "string", default: "fallback" })).toBe("fallback");
    expect(emptyValueFor({ type: "boolean" })).toBe(false);
  });

  it("keeps typed text as text, but JSON objects and arrays as values", () => {
    expect(parseLooseValue("hello")).toBe("hello");
    expect(parseLooseValue("{{ $json }}")).toBe("{{ $json }}");
    expect(parseLooseValue('{ "a": 1 }')).toEqual({ a: 1 });
    expect(parseLooseValue("[1, 2]")).toEqual([1, 2]);
    expect(parseLooseValue("{ not json")).toBe("{ not json");
    expect(formatLooseValue({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(formatLooseValue(undefined)).toBe("");
    expect(formatLooseValue(3)).toBe("3");
  });
});
