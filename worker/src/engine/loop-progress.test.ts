import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1, countingRooms, type Counts } from "../../test/counting";
import type { LoopRuntime } from "./loop-body";
import { loopGraphOf, ProgressThrottle, publishProgress } from "./loop-progress";
import { RunLive } from "./run-live";
import type { SnapshotNode } from "./snapshot";

describe("ProgressThrottle", () => {
  it("lets a loop's running progress out at most once per interval, per loop", () => {
    const throttle = new ProgressThrottle(1000);
    expect(throttle.due("run/a", 10_000)).toBe(true);
    // The batches that follow within the second publish nothing.
    expect(throttle.due("run/a", 10_050)).toBe(false);
    expect(throttle.due("run/a", 10_999)).toBe(false);
    // Another loop (or run) has its own clock.
    expect(throttle.due("run/b", 10_100)).toBe(true);
    expect(throttle.due("run/a", 11_000)).toBe(true);
    expect(throttle.due("run/a", 11_500)).toBe(false);
  });

  it("starts over once the loop is forgotten (it ended)", () => {
    const throttle = new ProgressThrottle(1000);
    expect(throttle.due("run/a", 5_000)).toBe(true);
    throttle.forget("run/a");
    expect(throttle.due("run/a", 5_001)).toBe(true);
  });
});

describe("publishProgress", () => {
  const runtime = (liveUntil: number | null) => {
    const counts: Counts = { d1RoundTrips: 0, d1Statements: 0, roomCalls: 0, steps: 0 };
    const counted = {
      ...env,
      DB: countingD1(env.DB, counts),
      RUN_ROOM: countingRooms(env.RUN_ROOM, counts),
    } as Env;
    const executionId = crypto.randomUUID();
    const nodes = [
      { id: "l", type: "forEach", name: "Each", parameters: {} },
      { id: "s", type: "set", name: "Double", parameters: {} },
    ] as SnapshotNode[];
    const rt: LoopRuntime = {
      ref: {
        env: counted,
        executionId,
        workflowId: crypto.randomUUID(),
        userId: "u",
        live: new RunLive(counted, executionId, liveUntil, false),
      },
      graph: loopGraphOf(nodes, [{ id: "e", source: "l", target: "s", sourceHandle: "item" }]),
      nodes: new Map(nodes.map((n) => [n.id, n])),
    };
    return { rt, counts };
  };

  it("unwatched, a loop's running progress costs nothing: no D1 count, no room call", async () => {
    const { rt, counts } = runtime(null);
    await publishProgress(rt, "l");
    expect(counts).toMatchObject({ d1RoundTrips: 0, roomCalls: 0 });
  });

  it("watched, it goes out through the run's publisher (counted there, in order with its other publishes)", async () => {
    const { rt, counts } = runtime(Date.now() + 60_000);
    await publishProgress(rt, "l");
    expect(counts.roomCalls).toBe(1);
    expect(rt.ref.live.calls).toBe(1);
  });
});
