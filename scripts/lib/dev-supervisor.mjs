/**
 * The supervised local runtime behind `npm run dev` (and the soak benchmark and crash test):
 *
 *   client ──► front proxy (this process, the public port) ──► the Worker's runtime (workerd, by PID)
 *                  │ cron ticker: /__scheduled once a minute       ╎ wrangler's port and proxy: only while
 *                  │ resource watch: workerd's memory maps,        ╎ the runtime's own port is not known
 *                  │ open files, RSS                               │ CODE_RUNNER binding ▼
 *                  │                       the code runner's own wrangler dev (code-runner.mjs, by PID)
 *
 * The front proxy forwards straight to the runtime's own port (runtime-port.mjs, forward.mjs), not
 * through wrangler's proxy Worker: that hop cost ~3.5 ms of a 9 ms answer (docs/benchmarks.md).
 *
 * Why: one `wrangler dev` never evicts a finished Workflow instance, and each one keeps its SQLite
 * database open (3 open files, up to 24 memory maps, ~0.4 MB). At ~2,650 loaded instances the runtime
 * stops running new ones (SQLite fails with SQLITE_NOMEM) while `create()` still answers: runs are
 * accepted and never happen (docs/engine.md#the-local-instance-ceiling). That count held on machines
 * whose map and open-file limits were far away (2,634 and 2,666 instances; 3,181 maps of 65,530 and
 * 8,062 files of 20,000 at the second), so the count itself is watched too. This supervisor restarts the
 * runtime long before that: it holds new requests at the proxy, lets the requests in flight finish,
 * stops wrangler and its workerd children by PID, starts a fresh one on the same state, and releases the
 * held requests to it. A caller sees a slower answer, never a refused one. Runs that were in flight are
 * resumed by the reconciler (worker/src/engine/reconciler.ts), which the supervisor fires at once.
 *
 * Before stopping the old runtime it also lets the engine's backlog drain (restart-policy.mjs): with
 * requests held, the unfinished executions (`GET /__engine/backlog`) fall as the runs in flight end, so
 * the restart cuts almost none. A cut run would sit dormant holding its run-gate slot until the
 * reconciler wakes it, while every new run queued behind it with its instance open: the backlog that
 * once came back as 1,257 open databases and a runtime that answered nothing. A new runtime that does
 * not become ready is stopped and started again; held requests answer 503 after HOLD_TIMEOUT_MS.
 */
import { spawn } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { createServer, Agent } from "node:http";
import { connect } from "node:net";
import { bin, freePort, root, waitUntilReady } from "./local-worker.mjs";
import { superviseCodeRunner } from "./code-runner.mjs";
import { startCronTicker } from "./cron-ticker.mjs";
import { createDevLogFilter, pipeFiltered } from "./dev-log-filter.mjs";
import { drainBacklog, startUntilReady } from "./restart-policy.mjs";
import { descendants, descendantsAsync } from "./process-tree.mjs";
import { findRuntimePort } from "./runtime-port.mjs";
import { forwardRequest } from "./forward.mjs";

/** Restart when workerd uses this share of the tighter of its map and open-file limits. */
const DEFAULT_LIMIT_SHARE = 0.5;
/**
 * Restart when workerd holds this many SQLite databases open (the ceiling is ~2,650). Each loaded instance
 * costs ~0.6–1 MB, so this is also what keeps the dev server's RSS flat: at 200 it stayed within −13 %/+7 % of
 * its mean over a 20,000-run soak (at 1,300 it swung between 856 and 1,528 MB), for ~25 % less sustained
 * durable throughput. docs/benchmarks.md, first section.
 */
const DEFAULT_MAX_OPEN_DATABASES = 200;
/** Checked once a second: 10 durable runs at a time load ~40 instances a second. */
const WATCH_INTERVAL_MS = 1_000;
/** In-flight requests get this long to finish before a restart cuts them. */
const DRAIN_TIMEOUT_MS = 30_000;
/** Requests held during a restart wait at most this long, then answer 503 with Retry-After. */
const HOLD_TIMEOUT_MS = 120_000;
/** After a reload, look this many times (once a second) for the runtime's new port. */
const RUNTIME_SEARCH_TRIES = 60;
const READY_TIMEOUT_MS = Number(process.env.DEV_READY_TIMEOUT_MS ?? 90_000);
/**
 * Before a restart, held requests wait at most this long for the engine's unfinished runs to end (below
 * HOLD_TIMEOUT_MS with room for the restart itself), or until the count stops falling for DRAIN_STALL_MS.
 */
const DRAIN_BACKLOG_MS = Number(process.env.DEV_DRAIN_BACKLOG_MS ?? 60_000);
const DRAIN_STALL_MS = 15_000;

/**
 * Starts the front proxy on 127.0.0.1:`port`, wrangler dev behind it and the ticker. `wranglerArgs` are
 * appended to `wrangler dev` (e.g. `--persist-to`, `--env-file`). `log(line)` receives the supervisor's
 * own messages; wrangler's output goes to `stdio` ("inherit"; "filtered": to this process's, without the
 * runtime's crash-like reports of node failures (dev-log-filter.mjs); or "pipe", then `output()` has it).
 * With `codeRunner` (the default), the code runner's `wrangler dev` is started first and kept running;
 * a restart of the main runtime leaves it alone. Returns `{ url, ready, restart(reason), stats(), stop(), output() }`.
 */
export function superviseDevServer({
  port,
  wranglerArgs = [],
  env = process.env,
  stdio = "inherit",
  log = (line) => process.stdout.write(`${line}\n`),
  limitShare = Number(process.env.DEV_RESTART_SHARE ?? DEFAULT_LIMIT_SHARE),
  maxRssMb = Number(process.env.DEV_MAX_RSS_MB ?? 3072),
  maxDatabases = Number(process.env.DEV_MAX_OPEN_DATABASES ?? DEFAULT_MAX_OPEN_DATABASES),
  ticker = true,
  codeRunner = true,
}) {
  const url = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let upstream = null; // { child, port }
  let accepting = false; // false while (re)starting: requests wait in `held`
  let stopping = false;
  let restarts = 0;
  /** One entry per restart: reason, backlog before/after the drain, readiness attempts and time. */
  const restartLog = [];
  let inFlight = 0;
  let output = "";
  const held = [];
  let stopTicker = () => {};
  let runner = null;

  const server = createServer((req, res) => {
    if (accepting) forward(req, res);
    else hold(() => forward(req, res), res);
  });
  server.on("upgrade", (req, socket, head) => {
    if (!accepting) return socket.destroy(); // a live view reconnects by itself
    const up = connect(upstream.direct ?? upstream.port, "127.0.0.1", () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n`);
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        up.write(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`);
      up.write("\r\n");
      up.write(head);
      up.pipe(socket).pipe(up);
    });
    up.on("error", (error) => {
      if (error.code === "ECONNREFUSED") findRuntimeAgain();
      socket.destroy();
    });
    socket.on("error", () => up.destroy());
  });

  function hold(release, res) {
    const entry = { release, timer: null };
    entry.timer = setTimeout(() => {
      held.splice(held.indexOf(entry), 1);
      res.writeHead(503, { "content-type": "application/json", "retry-after": "5" });
      res.end(JSON.stringify({ error: { code: "restarting", message: "The local runtime is restarting" } }));
    }, HOLD_TIMEOUT_MS);
    held.push(entry);
  }

  function forward(req, res) {
    inFlight++;
    let done = false;
    forwardRequest(req, res, {
      agent,
      port: upstream.direct ?? upstream.port,
      fallbackPort: upstream.direct === null ? null : upstream.port,
      finish: () => {
        if (!done) ((done = true), inFlight--);
      },
      onRefused: findRuntimeAgain,
    });
  }

  /**
   * The runtime refused a connection: wrangler reloaded it (a source file changed), on a new port.
   * Requests go through wrangler's port meanwhile; the new runtime port is looked for once a second until
   * it answers (or for RUNTIME_SEARCH_TRIES seconds, after which wrangler's port stays in use).
   */
  let searching = null;
  function findRuntimeAgain() {
    const current = upstream;
    if (!current || searching) return;
    current.direct = null;
    searching = (async () => {
      for (let i = 0; i < RUNTIME_SEARCH_TRIES && upstream === current && !stopping; i++) {
        await sleep(1_000);
        const port = await findRuntimePort(current.child.pid, current.port);
        if (port !== null && upstream === current) {
          current.direct = port;
          log(`the runtime was reloaded: forwarding to its port ${port}`);
          return;
        }
      }
    })().finally(() => (searching = null));
  }

  function startWrangler() {
    return freePort().then(async (wranglerPort) => {
      const inspectorPort = await freePort();
      const child = spawn(
        bin("wrangler"),
        [
          "dev",
          ...["--ip", "127.0.0.1", "--port", String(wranglerPort)],
          ...["--inspector-port", String(inspectorPort)],
          "--test-scheduled",
          "--show-interactive-dev-session=false",
          ...wranglerArgs,
        ],
        // Same process group as this supervisor: a kill of `npm run dev`'s group (Ctrl-C, kill -9 -PGID)
        // takes wrangler and workerd down too. A restart stops them by PID (killTree).
        {
          cwd: root,
          env,
          stdio: ["ignore", stdio === "filtered" ? "pipe" : stdio, stdio === "filtered" ? "pipe" : stdio],
        },
      );
      if (stdio === "filtered") {
        // `npm run dev`: wrangler's output as it is, minus the runtime's reports of node failures.
        const filter = createDevLogFilter();
        pipeFiltered(child.stdout, process.stdout, filter);
        pipeFiltered(child.stderr, process.stderr, filter);
      }
      if (stdio === "pipe") {
        child.stdout.on("data", (chunk) => (output = (output + chunk).slice(-200_000)));
        child.stderr.on("data", (chunk) => (output = (output + chunk).slice(-200_000)));
      }
      child.on("exit", (code, signal) => {
        if (upstream?.child !== child || stopping || !accepting) return;
        log(`wrangler dev exited (${code ?? signal}); starting it again`);
        void restart("wrangler exited", { drain: false });
      });
      try {
        await waitUntilReady(
          `http://127.0.0.1:${wranglerPort}`,
          { child, output: () => output },
          READY_TIMEOUT_MS,
        );
      } catch (error) {
        error.child = child; // startUntilReady stops it before trying again
        throw error;
      }
      const direct = await findRuntimePort(child.pid, wranglerPort);
      log(
        direct === null
          ? `forwarding to wrangler's port ${wranglerPort} (the runtime's own port was not found)`
          : `forwarding to the runtime's own port ${direct} (wrangler's proxy on ${wranglerPort} is skipped)`,
      );
      return { child, port: wranglerPort, direct };
    });
  }

  let restarting = null;
  /**
   * Holds new requests, lets requests and the engine's backlog drain, replaces wrangler (again until one
   * is ready), releases. Concurrent calls share one restart. Never rejects unless stopped meanwhile.
   */
  function restart(reason, { drain = true } = {}) {
    restarting ??= (async () => {
      accepting = false;
      log(`restarting the local runtime: ${reason}`);
      const entry = { reason, backlog: null, drained: null, drainReads: 0, attempts: 0, readyMs: null };
      const drainUntil = Date.now() + DRAIN_TIMEOUT_MS;
      while (inFlight > 0 && Date.now() < drainUntil) await sleep(100);
      if (drain && upstream) {
        const d = await drainBacklog({
          read: () => readBacklog(upstream.direct ?? upstream.port),
          timeoutMs: DRAIN_BACKLOG_MS,
          stallMs: DRAIN_STALL_MS,
        });
        Object.assign(entry, { backlog: d.first, drained: d.last, drainReads: d.reads });
        if (d.outcome !== "unknown" && d.first > 0)
          log(`engine backlog ${d.first} → ${d.last} queued/running runs before the restart (${d.outcome})`);
      }
      if (upstream) await killTree(upstream.child);
      if (stopping) return;
      const t0 = Date.now();
      upstream = await startUntilReady({
        start: () => (entry.attempts++, startWrangler()),
        stop: killTree,
        log,
        stopping: () => stopping,
      });
      entry.readyMs = Date.now() - t0;
      restarts++;
      restartLog.push(entry);
      open();
      log(`local runtime restarted in ${(entry.readyMs / 1000).toFixed(1)} s (${restarts} so far)`);
      fireTick(); // the reconciler resumes what was in flight now, not at the next minute
    })()
      .catch((error) => log(`restart abandoned: ${error.message.split("\n")[0]}`))
      .finally(() => (restarting = null));
    return restarting;
  }

  function open() {
    accepting = true;
    for (const entry of held.splice(0)) {
      clearTimeout(entry.timer);
      entry.release();
    }
  }

  function fireTick() {
    fetch(`${url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`)
      .then((r) => r.arrayBuffer())
      .catch(() => {});
  }

  let watchTimer;
  function watch() {
    watchTimer = setTimeout(async () => {
      const watched = accepting ? upstream : null;
      const s = watched ? await usage(watched.child.pid) : null;
      // A restart may have begun while the scan ran: its numbers are of a runtime already going.
      if (s && accepting && upstream === watched) {
        const over =
          s.maps > s.mapLimit * limitShare
            ? `workerd holds ${s.maps} memory maps (limit ${s.mapLimit})`
            : s.files > s.fileLimit * limitShare
              ? `workerd holds ${s.files} open files (limit ${s.fileLimit})`
              : s.databases > maxDatabases
                ? `workerd holds ${s.databases} SQLite databases open (Workflow instances; limit ${maxDatabases})`
                : s.rssMb > maxRssMb
                  ? `workerd uses ${s.rssMb} MB (limit ${maxRssMb} MB)`
                  : null;
        if (over) void restart(over);
      }
      if (!stopping) watch();
    }, WATCH_INTERVAL_MS);
    watchTimer.unref();
  }

  const ready = (async () => {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    if (codeRunner) {
      // In this process group like wrangler (a kill of `npm run dev`'s group ends it too), stopped by PID.
      runner = superviseCodeRunner({ env, kill: killTree, log });
      await runner.ready;
    }
    // A free port can be taken between our pick and wrangler's bind (EADDRINUSE: seen once in a bench
    // starting servers back to back); each attempt picks new ports. A real failure surfaces on the third.
    upstream = await startUntilReady({
      start: startWrangler,
      stop: killTree,
      log,
      maxAttempts: 3,
      stopping: () => stopping,
    });
    open();
    watch();
    fireTick(); // after a crash this start is a restart: the reconciler resumes what was in flight
    if (ticker) {
      const t = startCronTicker(url, {
        onTick: (slot, result) => {
          if (typeof result !== "number" || result >= 400)
            log(`cron tick ${new Date(slot).toISOString()} failed: ${result?.message ?? result}`);
        },
      });
      stopTicker = t.stop;
    }
  })();

  return {
    url,
    ready,
    restart,
    /** (Promise of) the resource use of the current workerd processes (Linux; zeros elsewhere) and the restart count. */
    stats: async () => ({
      ...(upstream ? await usage(upstream.child.pid) : {}),
      restarts,
      restartLog: [...restartLog],
      codeRunnerRestarts: runner?.restarts() ?? 0,
    }),
    output: () => output,
    /** The PID of the current wrangler. */
    pid: () => upstream?.child.pid,
    /** The PID of the code runner's wrangler. */
    codeRunnerPid: () => runner?.pid(),
    async stop() {
      stopping = true;
      stopTicker();
      clearTimeout(watchTimer);
      if (upstream) await killTree(upstream.child);
      await runner?.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r()));
      agent.destroy();
    },
  };
}

/**
 * Resource use of a process and its descendants (Linux /proc): the largest maps/files, total RSS.
 * Asynchronous because it runs once a second in the process that forwards every request: read
 * synchronously it blocked forwarding for 10–33 ms a time at 280–400 loaded instances, most of it one
 * `readlink` per open file of workerd (~8.5 µs each); here those run on libuv's threads.
 */
export async function usage(rootPid) {
  const s = { maps: 0, files: 0, databases: 0, rssMb: 0, mapLimit: Infinity, fileLimit: Infinity };
  let pids;
  try {
    pids = await descendantsAsync(rootPid);
  } catch {
    return s; // no /proc
  }
  s.mapLimit = Number(await readFile("/proc/sys/vm/max_map_count", "utf8").catch(() => "65530"));
  for (const pid of pids) {
    try {
      const [maps, fds, status, limits] = await Promise.all([
        readFile(`/proc/${pid}/maps`, "utf8"),
        readdir(`/proc/${pid}/fd`),
        readFile(`/proc/${pid}/status`, "utf8"),
        readFile(`/proc/${pid}/limits`, "utf8"),
      ]);
      s.maps = Math.max(s.maps, maps.split("\n").length - 1);
      s.files = Math.max(s.files, fds.length);
      s.databases = Math.max(s.databases, await openDatabases(pid, fds));
      const rss = /VmRSS:\s+(\d+)/.exec(status);
      s.rssMb += rss ? Math.round(Number(rss[1]) / 1024) : 0;
      const files = /Max open files\s+(\d+)/.exec(limits);
      if (files) s.fileLimit = Math.min(s.fileLimit, Number(files[1]));
    } catch {
      // the process ended while we read it
    }
  }
  return s;
}

/** How many of a process's open files are SQLite databases (every loaded Durable Object has one). */
async function openDatabases(pid, fds) {
  const links = await Promise.all(
    fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")), // closed meanwhile
  );
  return links.filter((link) => link.endsWith(".sqlite")).length;
}

/** SIGTERM to wrangler and its workerd children by PID, SIGKILL after 5 s; resolves once all are gone. */
async function killTree(child) {
  if (child.pid === undefined || child.exitCode !== null) return;
  let pids = [];
  try {
    pids = descendants(child.pid);
  } catch {
    pids = [child.pid]; // no /proc: wrangler stops its own children on SIGTERM
  }
  const signal = (sig) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // gone
      }
    }
  };
  const exited = new Promise((r) => child.once("exit", () => r()));
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  signal("SIGKILL"); // a workerd child may outlive wrangler for a moment; none may keep the state files
}

/** The engine's queued and running executions (worker/src/http/engine-backlog.ts), or null when unknown. */
async function readBacklog(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/__engine/backlog`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (res.status !== 200) return null;
    const body = await res.json();
    // `waiting` runs (a wait, a waitForEvent) use nothing while they wait and may wait for hours: a
    // restart costs them at most a minute (the reconciler wakes them), so the drain does not wait for them.
    return typeof body.queued === "number" && typeof body.running === "number"
      ? body.queued + body.running
      : null;
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
