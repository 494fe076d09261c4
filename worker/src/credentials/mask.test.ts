import { describe, expect, it } from "vitest";
import { maskSecrets, secretUrlParts } from "./mask";

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

describe("maskSecrets with webhook URLs", () => {
  const slack = "https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/x1y2z3SecretToken";
  const discord = "https://discord.com/api/webhooks/112233445566778899/AbCdEf-discord-token_123";
  const secrets = [slack, discord, ...secretUrlParts(slack), ...secretUrlParts(discord)];

  it("masks quotes cut short, without the scheme, or with more path after them", () => {
    const text = [
      `POST ${slack.slice(0, 50)}… failed`,
      `host hooks.slack.com/services/T0AB12CD3/B0EF45GH6/x1y2z3Sec`,
      `${discord}/messages/1?wait=true`,
      "HOOKS.slack.com is fine to name",
    ].join("\n");
    const masked = maskSecrets(text, secrets);
    expect(masked).toBe(
      ["POST ***… failed", "host ***", "***", "HOOKS.slack.com is fine to name"].join("\n"),
    );
  });

  it("masks the ids and tokens of the path when quoted alone, not the words", () => {
    expect(secretUrlParts(slack)).toEqual(["T0AB12CD3", "B0EF45GH6", "x1y2z3SecretToken"]);
    expect(secretUrlParts(discord)).toEqual(["112233445566778899", "AbCdEf-discord-token_123"]);
    expect(maskSecrets("token AbCdEf-discord-token_123 of webhook 112233445566778899", secrets)).toBe(
      "token *** of webhook ***",
    );
    expect(maskSecrets("the services endpoint", secrets)).toBe("the services endpoint");
  });
});
