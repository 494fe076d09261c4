import { describe, expect, it } from "vitest";
import { ALL_BRANCHES, RunPlan, type NodeOutcome } from "./run-plan";

const nodes = (...ids: string[]) => ids.map((id) => ({ id, name: id.toUpperCase() }));
const edge = (source: string, target: string, sourceHandle = "main") => ({ source, target, sourceHandle });

/** Drives a plan to the end, finishing each started node with the branch `branches` gives (default main). */
function simulate(plan: RunPlan, branches: Record<string, string> = {}) {
  const outcomes = new Map<string, NodeOutcome>();
  const started = new Set<string>();
  const waves: { run: string[]; skip: string[] }[] = [];
  for (;;) {
    const next = plan.next(outcomes, started);
    if (next.run.length === 0 && next.skip.length === 0) break;
    waves.push(next);
    for (const id of next.run) {
      started.add(id);
      outcomes.set(id, { kind: "done", branch: branches[id] ?? "main" });
    }
    for (const id of next.skip) {
      started.add(id);
      outcomes.set(id, { kind: "skipped" });
    }
  }
  return { waves, outcomes };
}

describe("RunPlan", () => {
  it("runs a chain one node at a time from the trigger", () => {
    const plan = new RunPlan(nodes("t", "a", "b"), [edge("t", "a"), edge("a", "b")], "t");
    expect(simulate(plan).waves).toEqual([
      { run: ["t"], skip: [] },
      { run: ["a"], skip: [] },
      { run: ["b"], skip: [] },
    ]);
  });

  it("starts independent branches together", () => {
    const plan = new RunPlan(nodes("t", "a", "b"), [edge("t", "a"), edge("t", "b")], "t");
    expect(simulate(plan).waves[1]).toEqual({ run: ["a", "b"], skip: [] });
  });

  it("skips the branch not taken and everything only it feeds", () => {
    const plan = new RunPlan(
      nodes("t", "if", "yes", "no", "afterNo"),
      [edge("t", "if"), edge("if", "yes", "true"), edge("if", "no", "false"), edge("no", "afterNo")],
      "t",
    );
    const { waves, outcomes } = simulate(plan, { if: "true" });
    expect(waves).toEqual([
      { run: ["t"], skip: [] },
      { run: ["if"], skip: [] },
      { run: ["yes"], skip: ["no"] },
      { run: [], skip: ["afterNo"] },
    ]);
    expect(outcomes.get("afterNo")).toEqual({ kind: "skipped" });
  });

  it("runs a join once every incoming edge is settled, if at least one was taken", () => {
    const plan = new RunPlan(
      nodes("t", "if", "yes", "no", "merge"),
      [
        edge("t", "if"),
        edge("if", "yes", "true"),
        edge("if", "no", "false"),
        edge("yes", "merge"),
        edge("no", "merge"),
      ],
      "t",
    );
    const { waves, outcomes } = simulate(plan, { if: "false" });
    expect(waves.at(-1)).toEqual({ run: ["merge"], skip: [] });
    const taken = plan.takenSources("merge", outcomes);
    expect(taken).toEqual(["no"]);
  });

  it("waits for a slower branch before running a merge", () => {
    const plan = new RunPlan(
      nodes("t", "a", "b", "m"),
      [edge("t", "a"), edge("t", "b"), edge("a", "m"), edge("b", "m")],
      "t",
    );
    const outcomes = new Map<string, NodeOutcome>([
      ["t", { kind: "done", branch: "main" }],
      ["a", { kind: "done", branch: "main" }],
    ]);
    expect(plan.next(outcomes, new Set(["t", "a", "b"]))).toEqual({ run: [], skip: [] });
    outcomes.set("b", { kind: "done", branch: "main" });
    expect(plan.next(outcomes, new Set(["t", "a", "b"]))).toEqual({ run: ["m"], skip: [] });
    expect(plan.takenSources("m", outcomes)).toEqual(["a", "b"]);
  });

  it("lets a node that failed with onError continue feed every successor", () => {
    const plan = new RunPlan(
      nodes("t", "if", "x", "y"),
      [edge("t", "if"), edge("if", "x", "true"), edge("if", "y", "false")],
      "t",
    );
    expect(simulate(plan, { if: ALL_BRANCHES }).waves.at(-1)).toEqual({ run: ["x", "y"], skip: [] });
  });

  it("ignores nodes not reachable from the starting trigger", () => {
    const plan = new RunPlan(
      nodes("manual", "hook", "a", "b"),
      [edge("manual", "a"), edge("hook", "a"), edge("hook", "b")],
      "manual",
    );
    expect(plan.nodeIds).toEqual(["manual", "a"]);
    expect(simulate(plan).waves).toEqual([
      { run: ["manual"], skip: [] },
      { run: ["a"], skip: [] },
    ]);
  });

  it("refuses a trigger id that is not in the graph", () => {
    expect(() => new RunPlan(nodes("a"), [], "zz")).toThrow("The trigger node 'zz' is not in this workflow");
  });
});
