import { describe, expect, it } from "vitest";
import { codeVariables } from "./code-variables";

describe("code node variables", () => {
  it("lists the sandbox's variables and one $node(…) per earlier node, quoted as JavaScript", () => {
    const variables = codeVariables(["Webhook", 'Say "hi"']);
    expect(variables.map((v) => v.label)).toEqual([
      "$json",
      '$node("Webhook")',
      '$node("Say "hi"")',
      "$trigger",
      "$execution",
      "$item",
      "console.log",
    ]);
    expect(variables[2].insert).toBe('$node("Say \\"hi\\"")');
  });
});
