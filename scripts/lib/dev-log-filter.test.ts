import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs module of the dev scripts (no types)
import { createDevLogFilter } from "./dev-log-filter.mjs";

const RED = (text: string) =>
  `\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1m${text}\u001b[0m`;

/** A filter with a hand-driven clock and timers; `out` collects what is printed. */
function harness() {
  let clock = 0;
  const timers: { at: number; run: () => void }[] = [];
  const filter = createDevLogFilter({
    holdMs: 1000,
    now: () => clock,
    setTimer: (run: () => void, ms: number) => timers.push({ at: clock + ms, run }),
  });
  const out: string[] = [];
  const push = (line: string) =>
    filter.push(line, (l: string) => out.push(l.replace(/\u001b\[[0-9;]*m/g, "")));
  const advance = (ms: number) => {
    clock += ms;
    for (const t of timers.splice(0).filter((t) => t.at <= clock)) t.run();
  };
  return { push, advance, out, filter };
}

const failureLine =
  'node failed · workflow wf-1 · execution ex-1 · node "Refuse order" (s, stopAndError): Order total 900 is over the limit';

describe("dev log filter", () => {
  it("drops the runtime's reports of a node failure the engine then logs, stack and run end included", () => {
    const h = harness();
    h.push("[wrangler:info] POST /api/workflows/w/run 201 Created (48ms)");
    h.push(RED("Uncaught NonRetryableError: Order total 900 is over the limit Error"));
    h.push("");
    h.push("      at run (file:///worker/src/nodes/stop-and-error.ts:31:11)");
    h.push("");
    h.push(RED("Uncaught Error: Node s: Order total 900 is over the limit Error"));
    h.push("      at executeRun (file:///worker/src/engine/run-workflow.ts:75:19)");
    h.push(failureLine);
    h.push(RED("Uncaught Error: Node s: Order total 900 is over the limit Error"));
    h.push("      at executeRun (file:///worker/src/engine/run-workflow.ts:75:19)");
    h.push("[wrangler:info] GET /__scheduled 200 OK (75ms)");
    h.advance(5000);
    expect(h.out).toEqual([
      "[wrangler:info] POST /api/workflows/w/run 201 Created (48ms)",
      failureLine,
      "[wrangler:info] GET /__scheduled 200 OK (75ms)",
    ]);
  });

  it("prints any other exception in full, after holding it for a moment", () => {
    const h = harness();
    h.push(RED("Uncaught TypeError: Cannot read properties of undefined (reading 'id')"));
    h.push("      at runNode (file:///worker/src/engine/node-steps.ts:12:3)");
    h.push(failureLine);
    expect(h.out).toEqual([failureLine]);
    h.advance(1000);
    expect(h.out).toEqual([
      failureLine,
      "✘ [ERROR] Uncaught TypeError: Cannot read properties of undefined (reading 'id')",
      "      at runNode (file:///worker/src/engine/node-steps.ts:12:3)",
    ]);
  });

  it("drops what workerd's debug port prints when the port probe speaks HTTP to it, and nothing else", () => {
    const h = harness();
    const noise =
      "NOSENTRY RPC connection broken for non-DISCONNECTED reason.; exception = capnp/serialize-async.c++:791: " +
      "failed: expected expectedSizeInWords <= options.traversalLimitInWords [61561907477 <= 8388608]; " +
      "incoming RPC message exceeds size limit";
    h.push(noise);
    h.push("stack: /node_modules/@cloudflare/workerd-linux-64/bin/workerd@349c062 workerd@349b312");
    h.push("[nodebase] forwarding to the runtime's own port 45621");
    // A `stack:` line that does not follow the noise is printed, and so is any other NOSENTRY line.
    h.push("stack: of something else");
    h.push("NOSENTRY RPC connection broken for non-DISCONNECTED reason.; exception = something else");
    expect(h.out).toEqual([
      "[nodebase] forwarding to the runtime's own port 45621",
      "stack: of something else",
      "NOSENTRY RPC connection broken for non-DISCONNECTED reason.; exception = something else",
    ]);
  });

  it("prints a report held when the stream ends", () => {
    const h = harness();
    h.push(RED("Uncaught Error: D1_ERROR: no such table: workflow"));
    h.filter.flush();
    expect(h.out).toEqual(["✘ [ERROR] Uncaught Error: D1_ERROR: no such table: workflow"]);
  });

  it("forgets a failure after a while, so a later unrelated report with the same text shows", () => {
    const h = harness();
    h.push(failureLine);
    h.advance(60_000);
    h.push(RED("Uncaught NonRetryableError: Order total 900 is over the limit Error"));
    h.advance(1000);
    expect(h.out).toHaveLength(2);
  });
});
