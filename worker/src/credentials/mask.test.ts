import { describe, expect, it } from "vitest";
import { maskSecrets } from "./mask";

describe("maskSecrets", () => {
  it("replaces secrets deep inside values, in substrings and in keys", () => {
    const value = {
      request: { headers: { authorization: "Bearer sk-live-42", "x-sk-live-42": "k" } },
      list: ["sk-live-42", "no secret here", 7, null, true],
      nested: [{ deeper: { text: "token=sk-live-42&other=sk-live-42" } }],
    };
    expect(maskSecrets(value, ["sk-live-42"])).toEqual({
      request: { headers: { authorization: "Bearer ***", "x-***": "k" } },
      list: ["***", "no secret here", 7, null, true],
      nested: [{ deeper: { text: "token=***&other=***" } }],
    });
    // The input is not changed.
    expect(value.list[0]).toBe("sk-live-42");
  });

  it("masks the longer of two overlapping secrets whole", () => {
    expect(maskSecrets("a=abcdef-long b=abcdef", ["abcdef", "abcdef-long"])).toBe("a=*** b=***");
  });

  it("masks Error messages and JSON-able objects", () => {
    const err = maskSecrets(new Error("POST https://hooks.example/T0/secret-path failed"), [
      "https://hooks.example/T0/secret-path",
    ]);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("POST *** failed");
    class Box {
      constructor(readonly inner = "pw-123456") {}
    }
    expect(maskSecrets({ box: new Box() }, ["pw-123456"])).toEqual({ box: { inner: "***" } });
  });

  it("masks very short secrets only where a whole string equals them", () => {
    expect(maskSecrets({ a: "ab", b: "cab" }, ["ab"])).toEqual({ a: "***", b: "cab" });
  });

  it("handles cycles and leaves values without secrets alone", () => {
    const cyclic: Record<string, unknown> = { name: "top-secret-1" };
    cyclic.self = cyclic;
    const masked = maskSecrets(cyclic, ["top-secret-1"]) as Record<string, unknown>;
    expect(masked.name).toBe("***");
    expect(masked.self).toBe(masked);
    const untouched = { a: 1 };
    expect(maskSecrets(untouched, [])).toBe(untouched);
    expect(maskSecrets(undefined, ["x-secret"])).toBeUndefined();
  });
});
