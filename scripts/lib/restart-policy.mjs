/**
 * The two decisions of a supervised restart (dev-supervisor.mjs), apart from processes and sockets so
 * they can be tested with counts:
 *
 *   drainBacklog    before the old runtime is stopped (new requests are held meanwhile): wait until the
 *                   engine's unfinished executions fall to `target`, or stop falling, or time runs out.
 *                   Why: a run cut by a restart sits dormant in the new runtime, keeping its run-gate
 *                   slot, until the reconciler wakes it (rows 30 s old, once a minute); meanwhile every
 *                   new run queues behind it with its own instance (and SQLite database) open. The
 *                   2026-12-02 soaks showed 601 queued runs and no progress for 30 s after one restart,
 *                   then the whole backlog woken at once and the database limit crossed again.
 *   startUntilReady start the new runtime; an attempt that does not become ready is stopped and started
 *                   again, so a restart never leaves the proxy holding requests for good.
 */

/**
 * Polls `read()` (the unfinished count, or null when it cannot be told) until it is at most `target`, or
 * has not fallen for `stallMs` (what is left waits for the reconciler: holding longer gains nothing), or
 * `timeoutMs` passed. Resolves `{ outcome: "drained" | "stalled" | "timeout" | "unknown", first, last, reads }`.
 */
export async function drainBacklog({
  read,
  target = 0,
  timeoutMs,
  stallMs,
  pollMs = 1_000,
  now = Date.now,
  sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
}) {
  const started = now();
  let reads = 0;
  let first = null;
  let lowest = Infinity;
  let lowestAt = started;
  for (;;) {
    const n = await read();
    reads++;
    if (n === null) return { outcome: "unknown", first, last: null, reads };
    first ??= n;
    if (n <= target) return { outcome: "drained", first, last: n, reads };
    if (n < lowest) ((lowest = n), (lowestAt = now()));
    if (now() - lowestAt >= stallMs) return { outcome: "stalled", first, last: n, reads };
    if (now() - started >= timeoutMs) return { outcome: "timeout", first, last: n, reads };
    await sleep(pollMs);
  }
}

/**
 * Calls `start()` until it resolves. A failed attempt's error may carry the started `child`, which
 * `stop(child)` ends before the next attempt (a runtime that never answered must not keep the state
 * files or the CPU). Gives up after `maxAttempts` (default: never) or once `stopping()` says so.
 */
export async function startUntilReady({
  start,
  stop,
  log,
  maxAttempts = Infinity,
  stopping = () => false,
  backoffMs = (attempt) => Math.min(30_000, 1_000 * 2 ** (attempt - 1)),
  sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (error?.child) await stop(error.child);
      const reason = String(error?.message ?? error).split("\n")[0];
      if (stopping() || attempt >= maxAttempts) throw error;
      const wait = backoffMs(attempt);
      log(
        `the local runtime did not become ready (attempt ${attempt}: ${reason}); ` +
          `stopped it, starting it again in ${Math.round(wait / 1000)} s`,
      );
      await sleep(wait);
    }
  }
}
