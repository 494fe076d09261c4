/**
 * Lets the runtime serve other requests in the middle of a long run. Locally (`wrangler dev`) one workerd
 * thread runs the Worker, the Workflow, the Durable Objects and D1, and its event loop polls the network
 * only once it has no ready work left. A loop whose every step hands it more ready work (a D1 write
 * resolving into the next element, the next batch step) never lets it poll: a 2,000-element `forEach`
 * held every other request, static files included, until the run ended (docs/benchmarks.md, "Fairness").
 * A timer fires only after the loop has polled, so waiting on one lets the held requests in.
 */

/** How often the engine yielded (read by worker/test/engine-fairness.test.ts: yields are counted, not timed). */
export const runtimeYields = { count: 0 };

export function yieldToRuntime(): Promise<void> {
  runtimeYields.count++;
  return new Promise((resolve) => setTimeout(resolve, 0));
}
