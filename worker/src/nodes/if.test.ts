import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { ifNode } from "./if";

describe("if", () => {
  const input = { total: 120 };

  it("passes its input on true or false", async () => {
    expect(await runNode(ifNode, { condition: true }, { input })).toEqual({ output: input, branch: "true" });
    expect(await runNode(ifNode, { condition: false }, { input })).toEqual({
      output: input,
      branch: "false",
    });
  });

  it("reads the words true/false and JSONata truthiness", async () => {
    expect((await runNode(ifNode, { condition: "false" })).branch).toBe("false");
    expect((await runNode(ifNode, { condition: "True" })).branch).toBe("true");
    expect((await runNode(ifNode, { condition: 0 })).branch).toBe("false");
    expect((await runNode(ifNode, { condition: "" })).branch).toBe("false");
    expect((await runNode(ifNode, {})).branch).toBe("false");
    expect((await runNode(ifNode, { condition: [1] })).branch).toBe("true");
  });

  it("declares the true and false outputs", () => {
    expect(ifNode.outputs).toEqual(["true", "false"]);
  });
});
