import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { switchNode } from "./switch";

describe("switch", () => {
  const input = { kind: "refund" };
  const rules = [
    { when: false, output: "order" },
    { when: true, output: "refund" },
    { when: true, output: "other" },
  ];

  it("takes the first rule that holds and passes the input on", async () => {
    expect(await runNode(switchNode, { rules }, { input })).toEqual({ output: input, branch: "refund" });
  });

  it("uses the fallback output when nothing matches", async () => {
    const none = [
      { when: "false", output: "a" },
      { when: 0, output: "b" },
    ];
    expect((await runNode(switchNode, { rules: none })).branch).toBe("fallback");
    expect((await runNode(switchNode, { rules: none, fallback: "rest" })).branch).toBe("rest");
    expect((await runNode(switchNode, {})).branch).toBe("fallback");
    expect((await runNode(switchNode, { rules: [{ output: "no-condition" }] })).branch).toBe("fallback");
  });

  it("lists one output per rule plus the fallback", () => {
    expect(
      switchNode.outputs instanceof Function && switchNode.outputs(switchNode.parameters.parse({ rules })),
    ).toEqual(["order", "refund", "other", "fallback"]);
  });

  it("rejects duplicate output names, naming the rule", () => {
    const twice = switchNode.parameters.safeParse({
      rules: [
        { when: true, output: "a" },
        { when: true, output: "a" },
      ],
    });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0].path).toEqual(["rules", 1, "output"]);
    const clash = switchNode.parameters.safeParse({ rules: [{ when: true, output: "fallback" }] });
    expect(clash.success).toBe(false);
    expect(switchNode.parameters.safeParse({ rules: [{ when: true, output: "bad name" }] }).success).toBe(
      false,
    );
  });
});
