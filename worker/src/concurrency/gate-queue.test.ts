import { describe, expect, it } from "vitest";
import { admitQueued, dropRun, emptyGate, type GateEntry } from "./gate-queue";

const entry = (executionId: string, workflowId: string, limit: number | null, capped = true): GateEntry => ({
  executionId,
  workflowId,
  limit,
  capped,
});

function gateWith(entries: GateEntry[]) {
  const state = emptyGate();
  state.queue = entries.map((e) => ({ ...e, queuedAt: 0 }));
  return state;
}

describe("admitQueued", () => {
  it("keeps each workflow within its limit and in arrival order", () => {
    const state = gateWith([
      entry("1", "w", 2),
      entry("2", "w", 2),
      entry("3", "w", 2),
      entry("4", "v", null),
    ]);
    expect(admitQueued(state, null, 1).map((e) => e.executionId)).toEqual(["1", "2", "4"]);
    expect(state.queue.map((q) => q.executionId)).toEqual(["3"]);
    dropRun(state, "2");
    expect(admitQueued(state, null, 2).map((e) => e.executionId)).toEqual(["3"]);
  });

  it("a run blocked by its workflow's limit does not block another workflow's run", () => {
    const state = gateWith([entry("1", "w", 1), entry("2", "w", 1), entry("3", "v", 1)]);
    expect(admitQueued(state, 10, 1).map((e) => e.executionId)).toEqual(["1", "3"]);
  });

  it("the user cap counts capped runs only; a run of one workflow never overtakes an earlier one", () => {
    const state = gateWith([entry("1", "w", null), entry("2", "w", null), entry("c", "w", null, false)]);
    expect(admitQueued(state, 1, 1).map((e) => e.executionId)).toEqual(["1"]);
    // "c" does not count toward the cap, but waits behind "2" of the same workflow.
    expect(state.queue.map((q) => q.executionId)).toEqual(["2", "c"]);
    const other = gateWith([entry("1", "w", null), entry("c", "v", null, false)]);
    expect(admitQueued(other, 0, 1).map((e) => e.executionId)).toEqual(["c"]);
  });

  it("dropRun says what the run held", () => {
    const state = gateWith([entry("1", "w", 1), entry("2", "w", 1)]);
    admitQueued(state, null, 1);
    expect(dropRun(state, "2")).toBe("queued");
    expect(dropRun(state, "1")).toBe("held");
    expect(dropRun(state, "1")).toBe("unknown");
  });
});
