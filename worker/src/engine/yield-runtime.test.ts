import type { WorkflowStep } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { durableSteps } from "./step-runner";
import { runtimeYields, yieldIfBusy, yieldToRuntime } from "./yield-runtime";

describe("yielding to the runtime", () => {
  it("every durable step begins with a yield, before Workflows runs it", async () => {
    const seen: string[] = [];
    const step = {
      do: async (name: string, _config: unknown, body: (ctx: { attempt: number }) => Promise<unknown>) => {
        seen.push(`${name} after ${runtimeYields.count - before} yields`);
        return body({ attempt: 1 });
      },
    } as unknown as WorkflowStep;
    const steps = durableSteps(step);
    const before = runtimeYields.count;
    expect(await steps.do("node:a", {}, async () => 1)).toBe(1);
    expect(await steps.do("node:b", {}, async () => 2)).toBe(2);
    expect(seen).toEqual(["node:a after 1 yields", "node:b after 2 yields"]);
  });

  it("yieldIfBusy yields only once nothing has yielded for the given time", async () => {
    await yieldToRuntime();
    const before = runtimeYields.count;
    expect(yieldIfBusy(60_000)).toBeUndefined();
    expect(runtimeYields.count).toBe(before);
    await yieldIfBusy(0);
    expect(runtimeYields.count).toBe(before + 1);
  });
});
