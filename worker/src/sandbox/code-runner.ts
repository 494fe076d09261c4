/**
 * Where a `code` node's JavaScript runs: the one place that decides (docs/nodes.md#code).
 *
 * With a CODE_RUNNER service binding (wrangler.toml), in the code runner Worker (runner-entry.ts): QuickJS
 * runs synchronously, and run here it would hold this isolate's thread, so every other request it serves
 * (and under `wrangler dev`, every request of the process) would wait until the code ends or hits
 * `timeoutMs`. Through the binding this Worker only awaits I/O meanwhile.
 * Without the binding (a deploy without the runner, `wrangler dev` of this Worker alone), in-process, as
 * before: the same runCode, the same limits, only not isolated from the other requests.
 */
import { env } from "cloudflare:workers";
import { runCode, type CodeInputs, type CodeLimits, type CodeOutcome } from "./run-code";

/** The runner's RPC surface (runner-entry.ts's CodeRunner). */
export interface CodeRunnerBinding {
  run(source: string, inputs: CodeInputs, limits: CodeLimits): Promise<CodeOutcome>;
}

/**
 * Beyond the code's own time limit, how long the runner may take to answer (loading QuickJS cold, the
 * transfer of inputs and outputs) before the call counts as unanswered: a runner that never answers must
 * fail the node, not hang it.
 */
export const RUNNER_GRACE_MS = 15_000;

/** workerd's refusal of an RPC argument or result past its size limit. */
const RPC_TOO_LARGE = /Serialized RPC arguments or return values are limited/;

/** The runner is missing or did not answer: the code may not even have started, so a retry may succeed. */
export class CodeRunnerUnavailable extends Error {
  override name = "CodeRunnerUnavailable";
}

/**
 * Runs the code in the runner when bound, else in-process. Rejects only with CodeRunnerUnavailable.
 * `runner` and `graceMs` are for tests; the binding is read at each call.
 */
export function runCodeIsolated(
  source: string,
  inputs: CodeInputs,
  limits: CodeLimits,
  {
    runner = (env as { CODE_RUNNER?: CodeRunnerBinding }).CODE_RUNNER,
    graceMs = RUNNER_GRACE_MS,
  }: { runner?: CodeRunnerBinding; graceMs?: number } = {},
): Promise<CodeOutcome> {
  if (!runner) return runCode(source, inputs, limits);
  const waitMs = limits.timeoutMs + graceMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unanswered = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CodeRunnerUnavailable(`the code runner did not answer within ${waitMs} ms`)),
      waitMs,
    );
  });
  const answered = Promise.resolve()
    .then(() => runner.run(source, inputs, limits))
    .catch((err: unknown): CodeOutcome => {
      const message = err instanceof Error ? err.message : String(err);
      // Inputs past the RPC limit (32 MiB) would not fit the engine's 64 MiB either: the code's failure,
      // not the runner's, so it is not retried.
      if (RPC_TOO_LARGE.test(message))
        return {
          ok: false,
          limit: "memory",
          error: `Code's inputs are too large to run (${message})`,
          logs: [],
        };
      throw new CodeRunnerUnavailable(message);
    });
  return Promise.race([answered, unanswered]).finally(() => clearTimeout(timer));
}
