import { describe, expect, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { githubTrigger } from "./github-trigger";

describe("githubTrigger node", () => {
  it("outputs the verified delivery the intake handed over", async () => {
    const delivery = { event: "push", delivery: "d-1", payload: { ref: "refs/heads/main" } };
    const result = await githubTrigger.run(
      runContext(githubTrigger, { events: ["push"] }, { trigger: delivery }),
    );
    expect(result.output).toEqual(delivery);
  });

  it("needs at least one event and a githubWebhook credential", () => {
    expect(githubTrigger.parameters.safeParse({ events: [] }).success).toBe(false);
    expect(githubTrigger.parameters.safeParse({}).success).toBe(false);
    expect(githubTrigger.credential).toEqual({ types: ["githubWebhook"], required: true });
  });
});
