import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { defineNode, type ErrorWithLogs } from "./node-type";
import type { LogLine } from "../sandbox/console-lines";
import { CodeRunnerUnavailable, runCodeIsolated } from "../sandbox/code-runner";
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from "../sandbox/run-code";

/** Longer than any hand-written node needs; keeps a pasted data dump out of the workflow document. */
const MAX_CODE_CHARS = 100_000;

/**
 * Runs JavaScript, the body of an async function, in a sandboxed QuickJS context (worker/src/sandbox):
 * `return` gives the output, which must be JSON. The code sees `$json`, `$node(name)`, `$trigger`,
 * `$execution` and `$item` as plain data, and nothing of the Worker. `console.*` lines are recorded on the
 * step. A failure (a throw, a non-JSON result, a limit hit) fails the node at once: the same code on the
 * same data fails the same way, so it is not retried. It runs in the code runner Worker when one is bound
 * (sandbox/code-runner.ts); an unreachable runner fails the node with a plain, retryable error.
 */
export const code = defineNode({
  type: "code",
  version: 1,
  title: "Code",
  description:
    "Runs JavaScript in a sandbox: return a JSON value. Sees $json, $node(name), $trigger, $execution, $item; console.log lines are recorded.",
  category: "core",
  icon: "code",
  parameters: z
    .object({
      code: z
        .string()
        .min(1, "Write some JavaScript, e.g. return { ...$json };")
        .max(MAX_CODE_CHARS)
        .default("return { ...$json };")
        .describe(
          "The body of an async function: use await, and end with return <JSON value>. Sees $json, $node(name), $trigger, $execution, $item.",
        )
        // The editor draws a field with this media type as a JavaScript editor.
        .meta({ contentMediaType: "text/javascript" }),
      timeoutMs: z
        .number()
        .int()
        .min(1)
        .max(MAX_TIMEOUT_MS)
        .default(DEFAULT_TIMEOUT_MS)
        .describe(`Time limit in milliseconds (at most ${MAX_TIMEOUT_MS}); the code is stopped after it`),
    })
    .strict(),
  literalParameters: ["code"],
  outputs: ["main"],
  async run(ctx) {
    const outcome = await runCodeIsolated(
      ctx.params.code,
      {
        json: ctx.input ?? null,
        trigger: ctx.trigger ?? null,
        execution: ctx.execution,
        item: ctx.item,
        nodes: ctx.nodes ?? {},
      },
      { timeoutMs: ctx.params.timeoutMs },
    ).catch((err: unknown) => {
      // Not the code's failure: the runner Worker is missing or crashed, so the step's retries apply.
      if (err instanceof CodeRunnerUnavailable)
        throw new Error(`Node "${ctx.node.name}": code runner unavailable (${err.message})`);
      throw err;
    });
    if (!outcome.ok) throw codeError(`Node "${ctx.node.name}": ${outcome.error}`, outcome.logs);
    return { output: outcome.output, logs: outcome.logs };
  },
});

function codeError(message: string, logs: LogLine[]): ErrorWithLogs {
  return Object.assign(new NonRetryableError(message), { logs });
}
