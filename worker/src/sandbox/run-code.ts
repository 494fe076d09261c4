/**
 * Runs a `code` node's JavaScript in a QuickJS context of its own (see docs/nodes.md, "Code"). The code
 * sees plain data and nothing of the Worker: no `env`, bindings, `fetch`, sockets, timers or host objects.
 * Its only ways out are the result string and `console` lines, both bounded here.
 *
 * Limits that really interrupt: QuickJS calls the interrupt handler every few thousand operations,
 * and it stops the code once `timeoutMs` of time has passed (where the clock moves during synchronous
 * work, as under `wrangler dev`) or once an operation budget proportional to `timeoutMs` is spent (in
 * production the Workers clock stands still until I/O, so the budget is what stops an endless loop there).
 * The memory limit is the engine's WebAssembly memory, which cannot grow past MEMORY_LIMIT_BYTES: an
 * allocation beyond it fails inside QuickJS as "out of memory".
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import { ConsoleLines, LOG_LEVELS, type LogLevel, type LogLine } from "./console-lines";
import { PRELUDE } from "./prelude";
import { discardQuickJS, MEMORY_LIMIT_BYTES, quickJS } from "./quickjs-engine";

export const DEFAULT_TIMEOUT_MS = 5000;
export const MAX_TIMEOUT_MS = 30_000;
/** Native stack for one run; deeper recursion fails with a RangeError the code can catch. */
const STACK_LIMIT_BYTES = 256 * 1024;
/**
 * Interrupt checks allowed per millisecond of `timeoutMs`, counted only while the clock stands still (the
 * Workers clock in production, which moves only at I/O). QuickJS checks about every 10,000 operations;
 * the code runner on a 2-core Xeon made ~40,000 checks a second in `while (true) {}`, so where the clock
 * moves this budget alone stopped a 5 s limit after 2.5 s: there the clock decides.
 */
const CHECKS_PER_MS = 20;
/** The result string (JSON) is refused above this size; the engine bounds recorded outputs further. */
const MAX_RESULT_CHARS = 16 * 1024 * 1024;

/** Plain data the code sees. Every value must be JSON-serialisable (node outputs are). */
export interface CodeInputs {
  json: unknown;
  trigger: unknown;
  execution: { id: string; workflowId: string };
  /** `$item` inside a `forEach` body; `undefined` elsewhere. */
  item?: unknown;
  /** Outputs of the finished nodes by name, read lazily by `$node(name)`. */
  nodes: Readonly<Record<string, unknown>>;
}

/** How a run ended, without its console lines. */
type CodeResult = { ok: true; output: unknown } | { ok: false; error: string; limit?: "time" | "memory" };

export type CodeOutcome = CodeResult & { logs: LogLine[] };

export interface CodeLimits {
  timeoutMs: number;
}

/** Runs `source` as the body of an async function; resolves (never rejects) with its output or error. */
export async function runCode(source: string, inputs: CodeInputs, limits: CodeLimits): Promise<CodeOutcome> {
  const timeoutMs = Math.min(Math.max(1, limits.timeoutMs), MAX_TIMEOUT_MS);
  const QuickJS = await quickJS();
  const logs = new ConsoleLines();
  const started = Date.now();
  let checks = 0;
  let timedOut = false;
  const runtime = QuickJS.newRuntime({
    // Refuses a single oversized allocation early; the memory's maximum bounds the total.
    memoryLimitBytes: MEMORY_LIMIT_BYTES,
    maxStackSizeBytes: STACK_LIMIT_BYTES,
    interruptHandler: () => {
      checks++;
      const elapsed = Date.now() - started;
      if (elapsed > timeoutMs || (elapsed === 0 && checks > timeoutMs * CHECKS_PER_MS)) timedOut = true;
      return timedOut;
    },
  });
  let outcome: CodeResult = { ok: false, error: "Code did not run" };
  let broken = false;
  const context = runtime.newContext();
  try {
    installHost(context, source, inputs, logs);
    const evaluated = context.evalCode(PRELUDE, "code.js");
    if (evaluated.error) {
      outcome = { ok: false, error: context.dump(evaluated.error)?.message ?? "Code failed" };
      evaluated.error.dispose();
    } else {
      outcome = drive(context, evaluated.value, () => runtime.executePendingJobs());
      evaluated.value.dispose();
    }
  } catch (err) {
    // An exception from the engine itself (not from the code): the instance may be damaged.
    broken = true;
    outcome = { ok: false, error: `Code failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    try {
      context.dispose();
      runtime.dispose();
    } catch {
      broken = true;
    }
  }
  if (timedOut)
    outcome = {
      ok: false,
      limit: "time",
      error: `Code ran longer than its time limit (timeoutMs ${timeoutMs}) and was stopped`,
    };
  else if (!outcome.ok && /out of memory/i.test(outcome.error)) {
    outcome = {
      ok: false,
      limit: "memory",
      error: `Code ran out of memory (limit ${MEMORY_LIMIT_BYTES / 1024 / 1024} MB) and was stopped`,
    };
  }
  // A run that hit a limit may have grown the WebAssembly memory to its maximum; start the next one fresh.
  if (broken || (!outcome.ok && outcome.limit)) discardQuickJS();
  return { ...outcome, logs: logs.lines() };
}

/** Runs the promise's jobs until it settles, then reads the prelude's result string. */
function drive(
  context: QuickJSContext,
  promise: QuickJSHandle,
  runJobs: () => ReturnType<QuickJSContext["runtime"]["executePendingJobs"]>,
): CodeResult {
  for (;;) {
    const state = context.getPromiseState(promise);
    if (state.type === "fulfilled") {
      const text = context.typeof(state.value) === "string" ? context.getString(state.value) : undefined;
      state.value.dispose();
      return readResult(text);
    }
    if (state.type === "rejected") {
      const error = context.dump(state.error);
      state.error.dispose();
      return { ok: false, error: `Code failed: ${error?.message ?? String(error)}` };
    }
    const jobs = runJobs();
    if (jobs.error) {
      const error = context.dump(jobs.error);
      jobs.error.dispose();
      return { ok: false, error: `Code failed: ${error?.message ?? String(error)}` };
    }
    if (jobs.value === 0) {
      // Nothing left to run and still pending: it awaits something that can never happen here (no timers, no I/O).
      return { ok: false, error: "Code never finished: it awaits a promise that nothing resolves" };
    }
  }
}

function readResult(text: string | undefined): CodeResult {
  if (text === undefined) return { ok: false, error: "Code failed: no result" };
  if (text.length > MAX_RESULT_CHARS) {
    return { ok: false, error: `Code must return at most ${MAX_RESULT_CHARS / 1024 / 1024} MB of JSON` };
  }
  const result = JSON.parse(text) as { ok: boolean; output?: unknown; error?: string };
  return result.ok === true
    ? { ok: true, output: result.output ?? null }
    : { ok: false, error: String(result.error ?? "Code failed") };
}

/**
 * Puts the host's five functions on `globalThis.__nodebase`; the prelude takes them off before the user's
 * code runs. They take and return strings only, so no host object ever enters the sandbox.
 */
function installHost(context: QuickJSContext, source: string, inputs: CodeInputs, logs: ConsoleLines) {
  const { nodes, ...visible } = inputs;
  const names = Object.keys(nodes);
  const host = context.newObject();
  const functions: Record<string, () => QuickJSHandle | undefined> = {
    input: () => context.newString(JSON.stringify(visible)),
    source: () => context.newString(source),
    nodeNames: () => context.newString(JSON.stringify(names)),
  };
  for (const [name, fn] of Object.entries(functions)) {
    const handle = context.newFunction(name, fn);
    context.setProp(host, name, handle);
    handle.dispose();
  }
  const node = context.newFunction("node", (nameHandle) => {
    const name = context.typeof(nameHandle) === "string" ? context.getString(nameHandle) : undefined;
    if (name === undefined || !Object.hasOwn(nodes, name)) return context.undefined;
    return context.newString(JSON.stringify(nodes[name] ?? null));
  });
  context.setProp(host, "node", node);
  node.dispose();
  const log = context.newFunction("log", (levelHandle, textHandle) => {
    const level = context.getString(levelHandle) as LogLevel;
    const text = context.typeof(textHandle) === "string" ? context.getString(textHandle) : "";
    logs.add(LOG_LEVELS.includes(level) ? level : "log", text);
  });
  context.setProp(host, "log", log);
  log.dispose();
  context.setProp(context.global, "__nodebase", host);
  host.dispose();
}
