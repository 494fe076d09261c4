/**
 * The local clock: `wrangler dev` never fires cron triggers by itself, so `npm run dev` runs this ticker
 * beside it. At the start of every minute it calls the Worker's scheduled handler through
 * `/__scheduled` (wrangler's `--test-scheduled` route) with the minute slot as `time`, exactly as
 * Cloudflare's `* * * * *` trigger does once deployed: schedules, polling triggers, the reconciler and
 * retention run with nobody calling anything.
 *
 * A tick that fails (the runtime is restarting, the handler threw) is logged and the next minute tries
 * again; the handler itself fires a missed schedule slot once (worker/src/cron/scheduled.ts).
 */

const MINUTE_MS = 60_000;

/**
 * Starts ticking against `baseUrl` (e.g. http://127.0.0.1:8787). `onTick(slotMs, status | error)` is told
 * about each call. Returns `stop()`; nothing keeps the process alive after it.
 */
export function startCronTicker(baseUrl, { cron = "* * * * *", onTick = () => {} } = {}) {
  let timer;
  let stopped = false;

  const scheduleNext = () => {
    const now = Date.now();
    const slot = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    timer = setTimeout(() => void tick(slot), slot - now);
  };

  const tick = async (slot) => {
    if (stopped) return;
    scheduleNext();
    const url = `${baseUrl}/__scheduled?cron=${encodeURIComponent(cron)}&time=${slot}`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(50_000) });
      await res.arrayBuffer();
      onTick(slot, res.status);
    } catch (error) {
      onTick(slot, error);
    }
  };

  scheduleNext();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
