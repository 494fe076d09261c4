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

let lastYieldAt = 0;

export function yieldToRuntime(): Promise<void> {
  runtimeYields.count++;
  lastYieldAt = Date.now();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Yields only when nothing has yielded for `busyMs` (where the clock moves: under `wrangler dev`, or after
 * I/O in production). For paths where a yield on every call would cost more than it gives, like the fast
 * mode's in-process steps, whose whole run is a few milliseconds.
 */
export function yieldIfBusy(busyMs = 20): Promise<void> | undefined {
  return Date.now() - lastYieldAt >= busyMs ? yieldToRuntime() : undefined;
}
