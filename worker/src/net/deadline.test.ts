import { describe, expect, it } from "vitest";
import { deadline } from "./deadline";

describe("deadline", () => {
  it("aborts its signal with the message once the time is up", async () => {
    const d = deadline(5, "too slow");
    await new Promise((r) => setTimeout(r, 30));
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe("too slow");
  });

  it("never aborts once cleared, and 20,000 cleared deadlines leave no timer behind", async () => {
    // Past the runtime's 10,000 active timers if their timers stayed active (as AbortSignal.timeout's do).
    for (let i = 0; i < 20_000; i++) deadline(60_000).clear();
    const d = deadline(5);
    d.clear();
    await new Promise((r) => setTimeout(r, 30));
    expect(d.signal.aborted).toBe(false);
  });
});
