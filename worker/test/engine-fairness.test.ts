/**
 * Fairness on the local runtime (issues 10 and 13): a long `forEach` yields to the runtime between its
 * batch steps and every few elements inside a batch, so `wrangler dev`'s one thread gets to read other
 * requests (engine/yield-runtime.ts; the measured gap is in docs/benchmarks.md). Yields are counted,
 * not timed.
 */
import { describe, expect, it } from "vitest";
import { MAX_BATCHES_PER_LOOP } from "../src/engine/loop-run";
import { runtimeYields } from "../src/engine/yield-runtime";
import { createWorkflow, doc, runWorkflow, stepOf, waitFor } from "./api-helpers-engine";
import { signUp } from "./helpers";

describe("a long forEach yields to the runtime", { timeout: 120_000 }, () => {
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
});
