import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { waitForEvent } from "./wait-for-event";

describe("waitForEvent", () => {
  it("asks the engine to wait for the named event with the timeout in ms", () => {
    const params = waitForEvent.parameters.parse({ event: "approval", timeoutSeconds: 120 });
    expect(waitForEvent.pause?.(params)).toEqual({ kind: "event", event: "approval", timeoutMs: 120_000 });
    const defaults = waitForEvent.parameters.parse({ event: "approved_by-boss2" });
    expect(waitForEvent.pause?.(defaults)).toEqual({
      kind: "event",
      event: "approved_by-boss2",
      timeoutMs: 3_600_000,
    });
  });

  it("outputs the event payload", async () => {
    const result = await runNode(
      waitForEvent,
      { event: "approval" },
      { input: { x: 1 }, event: { approved: true } },
    );
    expect(result).toEqual({ output: { approved: true } });
  });

  it("checks the event name and timeout", () => {
    for (const bad of [
      {},
      { event: "" },
      { event: "has space" },
      { event: "dot.ted" },
      { event: "x".repeat(101) },
      { event: "ok", timeoutSeconds: 0 },
      { event: "ok", timeoutSeconds: 366 * 86400 },
    ]) {
      expect(waitForEvent.parameters.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
