import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runNode } from "../../test/node-context";
import { code } from "./code";
import { logsOf } from "./node-type";

describe("code", () => {
  it("returns the code's JSON with its console lines, from $json, $node, $trigger, $execution and $item", async () => {
    const result = await runNode(
      code,
      {
        code: `
          console.log("adding", $json.list.length, "numbers");
          return {
            sum: $json.list.reduce((a, b) => a + b, 0),
            user: $node("Get user").name,
            source: $trigger.source,
            run: $execution.id,
            index: $item.index,
          };`,
      },
      {
        input: { list: [1, 2, 3, 4] },
        nodes: { "Get user": { name: "Ada" } },
        trigger: { source: "manual" },
        item: { value: 4, index: 3, count: 4 },
      },
    );
    expect(result).toEqual({
      output: { sum: 10, user: "Ada", source: "manual", run: "exec-1", index: 3 },
      logs: [{ level: "log", message: "adding 4 numbers" }],
    });
  });

  it("fails for good with a message naming the node, keeping the lines printed before", async () => {
    const failure = await runNode(code, {
      code: 'console.warn("about to fail"); throw new RangeError("too big");',
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(NonRetryableError);
    expect((failure as Error).message).toBe('Node "Code": RangeError: too big (line 1)');
    expect(logsOf(failure)).toEqual([{ level: "warn", message: "about to fail" }]);
  });

  it("stops an endless loop at timeoutMs", async () => {
    await expect(runNode(code, { code: "while (true) {}", timeoutMs: 200 })).rejects.toThrow(
      'Node "Code": Code ran longer than its time limit (timeoutMs 200) and was stopped',
    );
  });

  it("defaults timeoutMs to 5000, refuses more than 30000, empty code and unknown parameters", () => {
    expect(code.parameters.parse({ code: "return 1;" })).toEqual({ code: "return 1;", timeoutMs: 5000 });
    expect(() => code.parameters.parse({ code: "return 1;", timeoutMs: 30_001 })).toThrow();
    expect(() => code.parameters.parse({ code: "return 1;", timeoutMs: 0 })).toThrow();
    expect(() => code.parameters.parse({ code: "" })).toThrow();
    expect(() => code.parameters.parse({ code: "return 1;", language: "python" })).toThrow();
  });

  it("marks the code field as JavaScript for the editor and keeps it out of expression evaluation", () => {
    const schema = z.toJSONSchema(code.parameters, { io: "input", unrepresentable: "any" }) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.properties.code.contentMediaType).toBe("text/javascript");
    expect(code.literalParameters).toEqual(["code"]);
  });
});
