import { describe, expect, it } from "vitest";
import {
  applyCompletion,
  completionQueryAt,
  completionsFor,
  filterCompletions,
  hasExpression,
  splitExpressions,
} from "./expressions";

describe("expression helpers", () => {
  it("splits text into plain and {{ }} parts", () => {
    expect(splitExpressions("Hi {{ $json.name }}!")).toEqual([
      { text: "Hi ", expression: false },
      { text: "{{ $json.name }}", expression: true },
      { text: "!", expression: false },
    ]);
    expect(splitExpressions("{{ open")).toEqual([{ text: "{{ open", expression: true }]);
    expect(splitExpressions("")).toEqual([]);
    expect(hasExpression("a {{ 1 }}")).toBe(true);
    expect(hasExpression("a {{ 1")).toBe(false);
  });

  it("offers $json, $trigger, $execution.id and earlier nodes by name", () => {
    const all = completionsFor(["Set", 'Say "hi"']);
    expect(all.map((c) => c.insert)).toEqual([
      "$json",
      "$trigger",
      "$execution.id",
      '$node("Set")',
      '$node("Say \\"hi\\"")',
    ]);
    expect(filterCompletions(all, "$no").map((c) => c.label)).toEqual(['$node("Set")', '$node("Say "hi"")']);
    expect(filterCompletions(all, "$t").map((c) => c.label)).toEqual(["$trigger"]);
  });

  it("finds the token at the cursor, inside or outside an expression", () => {
    expect(completionQueryAt("{{ $js", 6)).toEqual({ from: 3, prefix: "$js", insideExpression: true });
    expect(completionQueryAt("{{ ", 3)).toEqual({ from: 3, prefix: "", insideExpression: true });
    expect(completionQueryAt("cost $", 6)).toEqual({ from: 5, prefix: "$", insideExpression: false });
    expect(completionQueryAt("{{ 1 }} plain", 13)).toBeNull();
  });

  it("inserts the pick, wrapping it in {{ }} outside an expression", () => {
    const [json] = completionsFor([]);
    const inside = completionQueryAt("{{ $j }}", 5)!;
    expect(applyCompletion("{{ $j }}", 5, inside, json)).toEqual({ text: "{{ $json }}", cursor: 8 });
    const outside = completionQueryAt("a $", 3)!;
    expect(applyCompletion("a $", 3, outside, json)).toEqual({ text: "a {{ $json }}", cursor: 13 });
  });
});
