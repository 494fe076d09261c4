import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { defineNode, type ErrorWithLogs } from "./node-type";
import type { LogLine } from "../sandbox/console-lines";
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, runCode } from "../sandbox/run-code";

/** Longer than any hand-written node needs; keeps a pasted data dump out of the workflow document. */
const MAX_CODE_CHARS = 100_000;

/**
 * Runs JavaScript, the body of an async function, in a sandboxed QuickJS context (worker/src/sandbox):
 * `return` gives the output, which must be JSON. The code sees `$json`, `$node(name)`, `$trigger`,
 * `$execution` and `$item` as plain data, and nothing of the Worker. `console.*` lines are recorded on the
 * step. A failure (a throw, a non-JSON result, a limit hit) fails the node at once: the same code on the
 * same data fails the same way, so it is not retried.
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
    const outcome = await runCode(
      ctx.params.code,
      {
        json: ctx.input ?? null,
        trigger: ctx.trigger ?? null,
        execution: ctx.execution,
        item: ctx.item,
        nodes: ctx.nodes ?? {},
      },
      { timeoutMs: ctx.params.timeoutMs },
    );
    if (!outcome.ok) throw codeError(`Node "${ctx.node.name}": ${outcome.error}`, outcome.logs);
    return { output: outcome.output, logs: outcome.logs };
  },
});

function codeError(message: string, logs: LogLine[]): ErrorWithLogs {
  return Object.assign(new NonRetryableError(message), { logs });
}
