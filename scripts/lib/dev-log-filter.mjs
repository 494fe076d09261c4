/**
 * The `npm run dev` log without crash-like reports of node failures. A node's step fails by throwing
 * (that is how Workflows retries it), and the runtime reports every exception that leaves a step, and
 * the run's own failed end, as `✘ [ERROR] Uncaught NonRetryableError: <message>` with a stack: it reads
 * like a crash of the server although the run failed as designed. The engine logs one clear line for
 * each node that failed for good (worker/src/engine/failure-log.ts: `node failed · workflow … ·
 * execution … · node "Name" (id, type): <message>`), just after those reports. So a report is held back
 * for a moment (`holdMs`) and dropped when a node-failure line with the same message arrives (or arrived
 * shortly before); otherwise it is printed as it was. An engine bug, whose exception no node failure
 * explains, is still reported in full, only `holdMs` later.
 *
 * Also dropped: the two lines workerd prints when the supervisor looks for the runtime's own port
 * (runtime-port.mjs). The probe is an HTTP GET to each port the runtime listens on, and one of them is
 * workerd's debug port, which speaks Cap'n Proto and reads the request as an impossibly large message
 * (`NOSENTRY RPC connection broken … incoming RPC message exceeds size limit` and a `stack:` line of
 * addresses). It happens at every start and reload and reads like a crash; nothing else sends HTTP there.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const NODE_FAILURE =
  /^node failed · .* · node .* \(([^,]+), [^)]+\)(?: \(onError: the run goes on\))?: (.*)$/;
const UNCAUGHT = /^✘ \[ERROR\] Uncaught (?:\(in promise\) )?[A-Za-z]*Error: (.*)$/;
/** The engine cuts long messages in its line (with "…"); compare this much. */
const COMPARED = 120;
const REMEMBER_MS = 30_000;
const PROBE_NOISE =
  /^NOSENTRY RPC connection broken for non-DISCONNECTED reason\.; exception = capnp\/serialize-async\.c\+\+:\d+: failed: expected expectedSizeInWords <= options\.traversalLimitInWords .*incoming RPC message exceeds size limit$/;

const comparable = (text) => text.replace(/\s+/g, " ").trim().replace(/…$/, "").slice(0, COMPARED);

/**
 * `push(line, write)`: `write` prints the line (or a held report) to its stream. `flush()` prints what
 * is still held. `holdMs`: how long a report waits for its node-failure line.
 */
export function createDevLogFilter({ holdMs = 3_000, now = () => Date.now(), setTimer = setTimeout } = {}) {
  /** Recent node failures: messages (and the run's "Node <id>: message"), with when they were logged. */
  let failures = [];
  /** Reports waiting for their node-failure line. */
  const held = new Set();
  /** The report being read: its header, then blank and indented stack lines. */
  let current = null;
  /** The line after the probe's noise, when it is the noise's `stack:` line, goes too. */
  let afterProbeNoise = false;

  const explained = (message) => {
    failures = failures.filter((f) => now() - f.at < REMEMBER_MS);
    return failures.some((f) => f.text !== "" && message.startsWith(f.text));
  };
  const release = (report) => {
    if (!held.delete(report)) return;
    report.state = "printed";
    for (const line of report.lines) report.write(line);
  };
  const drop = (report) => {
    held.delete(report);
    report.state = "dropped";
  };

  return {
    push(line, write) {
      const plain = line.replace(ANSI, "");
      if (PROBE_NOISE.test(plain)) {
        afterProbeNoise = true;
        return;
      }
      const stackOfNoise = afterProbeNoise && plain.startsWith("stack: ");
      afterProbeNoise = false;
      if (stackOfNoise) return;
      if (current && (plain.trim() === "" || /^\s/.test(plain))) {
        if (current.state === "held") current.lines.push(line);
        else if (current.state === "printed") write(line);
        return;
      }
      current = null;
      const uncaught = UNCAUGHT.exec(plain);
      if (uncaught) {
        const report = { message: comparable(uncaught[1]), lines: [line], write, state: "held" };
        current = report;
        if (explained(report.message)) drop(report);
        else {
          held.add(report);
          setTimer(() => release(report), holdMs);
        }
        return;
      }
      const failure = NODE_FAILURE.exec(plain);
      if (failure) {
        const at = now();
        failures.push(
          { text: comparable(failure[2]), at },
          { text: comparable(`Node ${failure[1]}: ${failure[2]}`), at },
        );
        for (const report of [...held]) if (explained(report.message)) drop(report);
      }
      write(line);
    },
    flush() {
      for (const report of [...held]) release(report);
    },
  };
}

/** Pipes `readable` to `writable` line by line through `filter` (shared by stdout and stderr). */
export function pipeFiltered(readable, writable, filter) {
  let pending = "";
  const write = (line) => writable.write(`${line}\n`);
  readable.setEncoding("utf8");
  readable.on("data", (chunk) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) filter.push(line, write);
  });
  readable.on("end", () => {
    if (pending) filter.push(pending, write);
    filter.flush();
  });
}
