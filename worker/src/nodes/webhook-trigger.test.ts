import { describe, expect, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { webhookTrigger } from "./webhook-trigger";

describe("webhookTrigger node", () => {
  it("outputs the call the intake recorded", async () => {
    const call = {
      method: "POST",
      headers: { "content-type": "application/json" },
      query: {},
      body: { n: 2 },
    };
    expect((await webhookTrigger.run(runContext(webhookTrigger, {}, { trigger: call }))).output).toEqual(
      call,
    );
  });

  it("defaults to POST answered immediately, and takes only known methods and modes", () => {
    expect(webhookTrigger.parameters.parse({})).toEqual({ method: "POST", respond: "immediately" });
    expect(webhookTrigger.parameters.safeParse({ method: "TRACE" }).success).toBe(false);
    expect(webhookTrigger.parameters.safeParse({ respond: "later" }).success).toBe(false);
    expect(webhookTrigger.credential).toEqual({ types: ["webhookAuth"], required: false });
  });
});
