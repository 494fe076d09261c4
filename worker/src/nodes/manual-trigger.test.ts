import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { manualTrigger } from "./manual-trigger";

describe("manualTrigger", () => {
  it("outputs the body given to the run", async () => {
    expect(await runNode(manualTrigger, {}, { trigger: { customer: "Ada", n: 2 } })).toEqual({
      output: { customer: "Ada", n: 2 },
    });
  });

  it("outputs an empty object for a run without a body", async () => {
    expect(await runNode(manualTrigger, {}, { trigger: undefined })).toEqual({ output: {} });
  });

  it("is a manual trigger without parameters", () => {
    expect(manualTrigger.trigger).toBe("manual");
    expect(manualTrigger.parameters.safeParse({ x: 1 }).success).toBe(false);
  });
});
