/**
 * The port of the Worker's own runtime under `wrangler dev`, so that local callers can skip wrangler's
 * proxy. `wrangler dev` answers on its port through a proxy Worker: a second workerd process whose one
 * Durable Object queues every request and fetches it again from the Worker's runtime (so that a reload
 * can hold requests). Measured on a fast Webhook → Set (`respond: "immediately"`, one caller at a time)
 * that hop is ~3.5 ms of a 9 ms answer: 97–106 requests/s through it, 154–163/s straight to the runtime
 * (docs/benchmarks.md). The supervisor (dev-supervisor.mjs) already does what the proxy is for: it holds
 * requests across restarts. Deployed, there is no such hop.
 *
 * Found from /proc: the listening ports of wrangler's workerd children, less wrangler's own, probed with
 * `GET /__engine/backlog` (worker/src/http/engine-backlog.ts), which only this Worker answers with its
 * counts. `null` when none answers (not Linux, or a wrangler that works differently): callers then keep
 * going through wrangler's port.
 */
import { descendants, listeningPorts } from "./process-tree.mjs";

const PROBE_TIMEOUT_MS = 1_000;

export async function findRuntimePort(wranglerPid, wranglerPort) {
  let ports;
  try {
    ports = listeningPorts(descendants(wranglerPid)).filter((p) => p !== wranglerPort);
  } catch {
    return null; // no /proc
  }
  const answers = await Promise.all(ports.map(async (port) => ((await isRuntime(port)) ? port : null)));
  const found = answers.filter((p) => p !== null);
  // Exactly one: two would mean this is not the process layout described above.
  return found.length === 1 ? found[0] : null;
}

async function isRuntime(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/__engine/backlog`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (res.status !== 200) return false;
    const body = await res.json();
    return typeof body?.unfinished === "number";
  } catch {
    return false; // not HTTP (workerd's debug port), or not ours
  }
}
