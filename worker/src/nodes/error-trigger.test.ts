import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { errorTrigger } from "./error-trigger";

describe("errorTrigger", () => {
  it("outputs the failure it was started for", async () => {
    const failure = {
      execution: { id: "e1", workflowId: "w1", mode: "manual", error: { message: "boom" }, url: "u" },
      workflow: { id: "w1", name: "Orders" },
    };
    expect(await runNode(errorTrigger, {}, { trigger: failure })).toEqual({ output: failure });
  });

  it("is an error trigger without parameters", () => {
    expect(errorTrigger.trigger).toBe("error");
    expect(errorTrigger.parameters.safeParse({ x: 1 }).success).toBe(false);
  });
});
