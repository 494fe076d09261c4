import { describe, expect, it } from "vitest";
import {
  emptyValueFor,
  fieldKind,
  formatLooseValue,
  labelFor,
  optionLabel,
  emptyOptionLabel,
  addButtonLabel,
  parseLooseValue,
  type JsonSchema,
} from "./json-schema";

describe("form fields from JSON Schemas", () => {
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

  it("draws a string marked text/javascript as a code editor, other strings as text", () => {
    expect(fieldKind({ type: "string", contentMediaType: "text/javascript" })).toEqual({
      kind: "code",
      language: "javascript",
    });
    expect(fieldKind({ type: "string", contentMediaType: "text/plain" }).kind).toBe("string");
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

describe("labels people read", () => {
  it("shows readable option labels, the schema's own first", () => {
    expect(optionLabel("lastNode", { enum: ["immediately", "lastNode"] })).toBe("Last node");
    expect(optionLabel("POST", { enum: ["GET", "POST"] })).toBe("POST");
    expect(
      optionLabel("lastNode", { enum: ["lastNode"], optionLabels: { lastNode: "When the run ends" } }),
    ).toBe("When the run ends");
    expect(optionLabel("a", { oneOf: [{ const: "a", title: "Option A" }] })).toBe("Option A");
  });

  it("names the default in an optional dropdown's empty choice", () => {
    expect(emptyOptionLabel({ enum: ["stop", "continue"], default: "stop" })).toBe("Default (Stop)");
    expect(emptyOptionLabel({ enum: ["stop", "continue"] })).toBe("Not set");
  });

  it("words the add buttons of records and lists", () => {
    expect(addButtonLabel("Fields")).toBe("Add field");
    expect(addButtonLabel("Headers")).toBe("Add header");
    expect(addButtonLabel("Query")).toBe("Add to query");
  });
});
