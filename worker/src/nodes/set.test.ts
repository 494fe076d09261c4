import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { set } from "./set";

describe("set", () => {
  it("builds an object from the fields, ignoring the input by default", async () => {
    const result = await runNode(
      set,
      { fields: { doubled: 42, name: "Ada", list: [1, 2] } },
      { input: { old: true } },
    );
    expect(result).toEqual({ output: { doubled: 42, name: "Ada", list: [1, 2] } });
  });

  it("builds nested objects from dotted names", async () => {
    const result = await runNode(set, {
      fields: { "user.email": "a@x.io", "user.name.first": "Ada", top: 1 },
    });
    expect(result.output).toEqual({ user: { email: "a@x.io", name: { first: "Ada" } }, top: 1 });
  });

  it("keeps dotted names as they are when dotNotation is off", async () => {
    const result = await runNode(set, { fields: { "a.b": 1 }, dotNotation: false });
    expect(result.output).toEqual({ "a.b": 1 });
  });

  it("merges over the input with keepInput, without changing the input", async () => {
    const input = { id: 7, user: { email: "old@x.io", role: "admin" }, tags: ["t"] };
    const result = await runNode(
      set,
      { fields: { "user.email": "new@x.io", extra: true }, keepInput: true },
      { input },
    );
    expect(result.output).toEqual({
      id: 7,
      user: { email: "new@x.io", role: "admin" },
      tags: ["t"],
      extra: true,
    });
    expect(input.user.email).toBe("old@x.io");
  });

  it("starts empty with keepInput when the input is not an object", async () => {
    expect((await runNode(set, { fields: { a: 1 }, keepInput: true }, { input: [1, 2] })).output).toEqual({
      a: 1,
    });
  });

  it("replaces a non-object on the way with an object", async () => {
    const result = await runNode(set, { fields: { "a.b": 2 }, keepInput: true }, { input: { a: "text" } });
    expect(result.output).toEqual({ a: { b: 2 } });
  });

  it("treats __proto__ in a name as an ordinary field name", async () => {
    const result = await runNode(set, { fields: { "__proto__.polluted": "yes" } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(result.output)).toEqual(["__proto__"]);
  });

  it("rejects unknown parameters and empty field names", () => {
    expect(() => set.parameters.parse({ fields: {}, nope: 1 })).toThrow();
    expect(() => set.parameters.parse({ fields: { "": 1 } })).toThrow();
  });
});
