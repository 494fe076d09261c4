import { describe, expect, it } from "vitest";
import { ExpressionError, resolveParameters } from "./expressions";

const scope = {
  json: { text: "Order 12 of 2024-05, order 7 of 2025-11", name: "ada lovelace" },
  nodes: {},
  trigger: {},
  execution: { id: "e", workflowId: "w" },
};
const resolve = (expression: string) => resolveParameters(expression, scope, "Regex");

describe("regexes in expressions (RE2, linear time)", () => {
  // The payload of issue 13: with JavaScript's backtracking RegExp this runs for minutes and freezes
  // every route. If the engine ever backtracks again, this test hangs past vitest's timeout and fails.
  it("answers a catastrophic-backtracking pattern at once", async () => {
    expect(await resolve("{{ $match($pad('', 40, 'a') & '!', /^(a+)+$/) }}")).toBeUndefined();
    expect(await resolve("{{ $match($pad('', 40, 'a'), /^(a+)+$/).match }}")).toBe("a".repeat(40));
    expect(await resolve("{{ $contains($pad('', 5000, 'a') & '!', /^(a|aa)+$/) }}")).toBe(false);
  });

  it("keeps $match, $contains, $replace and $split working, with groups, flags and UTF-16 offsets", async () => {
    expect(await resolve("{{ $match(text, /(\\d{4})-(\\d{2})/) }}")).toEqual([
      { match: "2024-05", index: 12, groups: ["2024", "05"] },
      { match: "2025-11", index: 32, groups: ["2025", "11"] },
    ]);
    expect(await resolve("{{ $contains(text, /ORDER 7/i) }}")).toBe(true);
    expect(await resolve("{{ $replace(name, /(\\w+) (\\w+)/, '$2, $1') }}")).toBe("lovelace, ada");
    expect(await resolve("{{ $split('a1b22c', /\\d+/) }}")).toEqual(["a", "b", "c"]);
    expect(await resolve("{{ $match('é😀x', /x/).index }}")).toBe(3);
    expect(await resolve("{{ $match('a\\nb', /^b$/m).match }}")).toBe("b");
    // An optional group that took no part is null, as with JavaScript's RegExp once copied out.
    expect(await resolve("{{ $match('ab', /(a)(x)?/).groups }}")).toEqual(["a", null]);
  });

  it("refuses backreferences and lookaround with an error naming the regex", async () => {
    for (const [expression, construct] of [
      ["{{ $match('aa', /(a)\\1/) }}", "\\1"],
      ["{{ $contains('ab', /a(?=b)/) }}", "(?="],
    ]) {
      const error = await resolve(expression).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExpressionError);
      const reason = (error as ExpressionError).reason;
      expect(reason).toContain("cannot be used");
      expect(reason).toContain(construct);
      expect(reason).toContain("RE2 syntax");
    }
  });
});
