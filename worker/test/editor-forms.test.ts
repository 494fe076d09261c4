/**
 * The editor's contract with GET /api/node-types, checked against the real registry: every parameter of
 * every node type becomes a known form field, and the editor computes the same output handles as the
 * engine (switch: one per rule, then the fallback). The editor modules are pure, so they run here too.
 */
import { describe, expect, it } from "vitest";
import { emptyValueFor, fieldKind, type JsonSchema } from "../../web/src/editor/json-schema";
import { outputHandles } from "../../web/src/editor/handles";
import { describeNodeType } from "../src/http/node-types";
import { nodeTypes } from "../src/nodes/registry";

const described = Object.values(nodeTypes).map((t) => describeNodeType(t));
const info = (type: string) => described.find((d) => d.type === type)!;
const props = (type: string) => (info(type).parameters as JsonSchema).properties!;

describe("editor forms and handles from GET /api/node-types", () => {
  it("draws every parameter of every registered node type with a known field kind", () => {
    for (const d of described) {
      const schema = d.parameters as JsonSchema;
      expect(fieldKind(schema).kind, d.type).toBe("object");
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        expect(
          ["enum", "boolean", "number", "string", "code", "record", "object", "list", "any"],
          `${d.type}.${name}`,
        ).toContain(fieldKind(property).kind);
      }
    }
  });

  it("turns httpRequest's parameters into a select, a text field, records, a free value and a number", () => {
    const p = props("httpRequest");
    expect(fieldKind(p.method)).toEqual({
      kind: "enum",
      options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    });
    expect(fieldKind(p.url).kind).toBe("string");
    expect(fieldKind(p.headers).kind).toBe("record");
    expect(fieldKind(p.query).kind).toBe("record");
    expect(fieldKind(p.body).kind).toBe("any");
    expect(fieldKind(p.timeoutMs)).toEqual({ kind: "number", integer: true });
    expect(fieldKind(p.ignoreHttpErrors).kind).toBe("boolean");
    expect((info("httpRequest").parameters as JsonSchema).required).toContain("url");
  });

  it("turns set.fields into name → value rows and switch.rules into a list of sub-forms", () => {
    expect(fieldKind(props("set").fields).kind).toBe("record");
    const rules = fieldKind(props("switch").rules);
    expect(rules.kind).toBe("list");
    const items = (rules as { items: JsonSchema }).items;
    const item = fieldKind(items);
    expect(item.kind).toBe("object");
    expect((item as { properties: [string, JsonSchema][] }).properties.map(([n]) => n)).toEqual([
      "when",
      "output",
    ]);
    expect(emptyValueFor(items)).toEqual({ output: "" });
  });

  it("draws the connectors' forms: operations as selects, ids as text, rows as name → value", () => {
    const sheets = props("googleSheets");
    expect(fieldKind(sheets.operation)).toEqual({ kind: "enum", options: ["append", "read"] });
    expect(fieldKind(sheets.documentId).kind).toBe("string");
    expect(fieldKind(sheets.values).kind).toBe("record");
    expect(fieldKind(sheets.headerRow)).toEqual({ kind: "number", integer: true });
    expect((info("googleSheets").parameters as JsonSchema).required).toEqual(["documentId"]);
    expect(info("googleSheets")).toMatchObject({
      category: "communication",
      credentialType: ["oauth2"],
    });
    const mail = props("gmail");
    expect(fieldKind(mail.bodyType)).toEqual({ kind: "enum", options: ["text", "html"] });
    expect(fieldKind(mail.body).kind).toBe("string");
    expect(fieldKind(mail.senderName).kind).toBe("string");
    expect((info("gmail").parameters as JsonSchema).required).toEqual(["to", "subject", "body"]);
    expect(info("gmail")).toMatchObject({ category: "communication", credentialType: ["oauth2"] });
    const notion = props("notion");
    expect(fieldKind(notion.operation)).toEqual({ kind: "enum", options: ["create", "getAll"] });
    expect(fieldKind(notion.properties).kind).toBe("record");
    expect(fieldKind(notion.filter).kind).toBe("record");
    expect(fieldKind(notion.returnAll).kind).toBe("boolean");
    expect(info("notion")).toMatchObject({ credentialType: ["notionApi"], credentialRequired: true });
    const airtable = props("airtable");
    expect(fieldKind(airtable.operation)).toEqual({ kind: "enum", options: ["create", "search"] });
    expect(fieldKind(airtable.fields).kind).toBe("record");
    expect(fieldKind(airtable.filterByFormula).kind).toBe("string");
    expect(info("airtable")).toMatchObject({ credentialType: ["airtableTokenApi"] });
  });

  it("computes the same output handles as the node types do", () => {
    const params = { rules: [{ when: "{{ true }}", output: "big" }, { output: "small" }], fallback: "other" };
    expect(outputHandles(info("switch"), params)).toEqual(
      (nodeTypes.switch.outputs as (p: unknown) => string[])(params),
    );
    expect(outputHandles(info("switch"), {})).toEqual(["fallback"]);
    expect(outputHandles(info("if"), {})).toEqual(["true", "false"]);
    expect(outputHandles(info("set"), {})).toEqual(["main"]);
  });
});
