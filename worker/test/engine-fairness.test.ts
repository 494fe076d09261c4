/**
 * Fairness on the local runtime (issues 10 and 13): a long `forEach` yields to the runtime between its
 * batch steps and every few elements inside a batch, and a wide group of pure nodes every 16 nodes, so
 * `wrangler dev`'s one thread gets to read other requests (engine/yield-runtime.ts; the measured gaps
 * are in docs/benchmarks.md). Yields are counted, not timed.
 */
import { describe, expect, it } from "vitest";
import { MAX_BATCHES_PER_LOOP } from "../src/engine/loop-run";
import { runtimeYields } from "../src/engine/yield-runtime";
import { createWorkflow, doc, runWorkflow, stepOf, waitFor, type DocNode } from "./api-helpers-engine";
import { signUp } from "./helpers";

describe("long runs yield to the runtime", { timeout: 120_000 }, () => {
  it("at least once per batch step and once per 10 elements of a batch", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(
      user,
      doc(
        "Long loop",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          { id: "l", type: "forEach", name: "Each", parameters: { items: "{{ $json.rows }}" } },
          { id: "s", type: "set", name: "Double", parameters: { fields: { v: "{{ $json * 2 }}" } } },
        ],
        [
          ["t", "l"],
          ["l", "s", "item"],
        ],
      ),
    );
    const elements = 300;
    const before = runtimeYields.count;
    const id = await runWorkflow(user, workflowId, { rows: Array.from({ length: elements }, (_, i) => i) });
    const e = await waitFor(user, id);
    expect(e.status).toBe("success");
    expect((stepOf(e, "l")?.output as { count: number }).count).toBe(elements);
    // A `set` body runs 50 elements a batch (fewer batches than MAX_BATCHES_PER_LOOP): 6 batch steps,
    // each yielding before it starts and after its 10th, 20th, … element.
    const batches = Math.ceil(elements / 50);
    expect(batches).toBeLessThan(MAX_BATCHES_PER_LOOP);
    expect(runtimeYields.count - before).toBeGreaterThanOrEqual(batches + elements / 10);
  });

  it("a wide group of parallel set nodes yields every 16 nodes", async () => {
    const user = await signUp();
    const width = 64;
    const nodes: DocNode[] = [{ id: "t", type: "manualTrigger", name: "Start" }];
    const edges: [string, string][] = [];
    for (let i = 0; i < width; i++) {
      nodes.push({ id: `s${i}`, type: "set", name: `S${i}`, parameters: { fields: { v: "{{ $json.n }}" } } });
      edges.push(["t", `s${i}`]);
    }
    const workflowId = await createWorkflow(user, doc("Wide", nodes, edges));
    const before = runtimeYields.count;
    const id = await runWorkflow(user, workflowId, { n: 1 });
    expect((await waitFor(user, id)).status).toBe("success");
    // The trigger and the 64 set nodes evaluate in one pure group (one step): 65 nodes, 4 yields.
    expect(runtimeYields.count - before).toBeGreaterThanOrEqual(Math.floor((width + 1) / 16));
  });
});
