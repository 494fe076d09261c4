import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { code } from "../nodes/code";
import { CodeRunnerUnavailable, runCodeIsolated, type CodeRunnerBinding } from "./code-runner";
import type { CodeInputs } from "./run-code";

const inputs: CodeInputs = {
  json: { n: 2 },
  trigger: null,
  execution: { id: "exec-1", workflowId: "wf-1" },
  nodes: { Prepare: { list: [1, 2] } },
};

/** vitest.config.ts binds CODE_RUNNER to runner-entry.ts's CodeRunner, served by the test Worker. */
const binding = () => (env as unknown as { CODE_RUNNER: CodeRunnerBinding }).CODE_RUNNER;

describe("runCodeIsolated", () => {
  it("runs the code through the CODE_RUNNER service binding: output, console lines and failures come back", async () => {
    const calls: string[] = [];
    const counted: CodeRunnerBinding = {
      run: (source, data, limits) => (calls.push(source), binding().run(source, data, limits)),
    };
    const source = 'console.log("n is", $json.n); return { sum: $node("Prepare").list[0] + $json.n };';
    expect(await runCodeIsolated(source, inputs, { timeoutMs: 1000 }, { runner: counted })).toEqual({
      ok: true,
      output: { sum: 3 },
      logs: [{ level: "log", message: "n is 2" }],
    });
    expect(await runCodeIsolated("while (true) {}", inputs, { timeoutMs: 100 }, { runner: counted })).toEqual(
      {
        ok: false,
        limit: "time",
        error: "Code ran longer than its time limit (timeoutMs 100) and was stopped",
        logs: [],
      },
    );
    expect(calls).toHaveLength(2);
  });

  it("a code node run by the engine goes through the binding too (no runner argument)", async () => {
    expect(binding()).toBeDefined();
    expect(await runNode(code, { code: "return [$json.n];" }, { input: { n: 7 } })).toEqual({
      output: [7],
      logs: [],
    });
  });

  it("inputs past the RPC size limit fail as the code's memory failure, not as an unavailable runner", async () => {
    const outcome = await runCodeIsolated(
      "return $json.length;",
      { ...inputs, json: "x".repeat(40 * 1024 * 1024) },
      { timeoutMs: 1000 },
      { runner: binding() },
    );
    expect(outcome).toMatchObject({ ok: false, limit: "memory", logs: [] });
    expect(outcome.ok === false && outcome.error).toMatch(/^Code's inputs are too large to run \(.*32MiB/);
  });

  it("a runner that fails or never answers is CodeRunnerUnavailable, not a hang and not the code's failure", async () => {
    const broken: CodeRunnerBinding = { run: () => Promise.reject(new Error("connection refused")) };
    const silent: CodeRunnerBinding = { run: () => new Promise(() => {}) };
    const refused = runCodeIsolated("return 1;", inputs, { timeoutMs: 50 }, { runner: broken });
    await expect(refused).rejects.toBeInstanceOf(CodeRunnerUnavailable);
    await expect(refused).rejects.toThrow("connection refused");
    await expect(
      runCodeIsolated("return 1;", inputs, { timeoutMs: 50 }, { runner: silent, graceMs: 50 }),
    ).rejects.toThrow(new CodeRunnerUnavailable("the code runner did not answer within 100 ms"));
  });
});
