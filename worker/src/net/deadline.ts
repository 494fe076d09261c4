/**
 * An AbortSignal that aborts after `ms`, with `clear()` to stop its timer once the work is done.
 *
 * Not `AbortSignal.timeout(ms)`: its timer stays active until it fires, and the runtime allows 10,000
 * active timers. A 10,000-element loop (one signal per body node) failed with "You have exceeded the
 * number of active timeouts you may set"; connector calls at a high rate would reach it the same way.
 */
export function deadline(ms: number, message = "timed out"): { signal: AbortSignal; clear(): void } {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(message)), ms);
  return { signal: abort.signal, clear: () => clearTimeout(timer) };
}
