import { describe, expect, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { stripeTrigger } from "./stripe-trigger";

describe("stripeTrigger node", () => {
  it("outputs the verified event the intake handed over", async () => {
    const event = { id: "evt_1", type: "checkout.session.completed", data: { object: { id: "cs_1" } } };
    const result = await stripeTrigger.run(
      runContext(stripeTrigger, { events: ["checkout.session.completed"] }, { trigger: event }),
    );
    expect(result.output).toEqual(event);
  });

  it("defaults to an empty event list (every event) and needs a signing-secret credential", () => {
    expect(stripeTrigger.parameters.parse({})).toEqual({ events: [] });
    expect(stripeTrigger.credential).toEqual({ types: ["stripeWebhook"], required: true });
    expect(stripeTrigger.parameters.safeParse({ events: [""] }).success).toBe(false);
  });
});
