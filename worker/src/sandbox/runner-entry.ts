/**
 * The code runner: a Worker of its own (wrangler.code-runner.toml) that runs `code` nodes' JavaScript for
 * the main Worker, reached through the CODE_RUNNER service binding (code-runner.ts). QuickJS runs
 * synchronously; here it blocks only this Worker's thread, while the main Worker awaits the call as I/O and
 * keeps answering (locally a second `wrangler dev` process, deployed a separate invocation). It has no
 * bindings at all: the code sees nothing but the data it is given, as in run-code.ts.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { runCode, type CodeInputs, type CodeLimits, type CodeOutcome } from "./run-code";

export class CodeRunner extends WorkerEntrypoint {
  /** Nothing to see over HTTP: the runner is called by RPC only. */
  override fetch(): Response {
    return new Response("nodebase code runner: called through a service binding only\n", { status: 404 });
  }

  /** runCode, as it is: resolves with the outcome (a failure of the code included), never rejects. */
  run(source: string, inputs: CodeInputs, limits: CodeLimits): Promise<CodeOutcome> {
    return runCode(source, inputs, limits);
  }
}

export default CodeRunner;
