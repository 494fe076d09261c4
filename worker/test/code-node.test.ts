/**
 * The code node end to end, through the API: a saved workflow Manual → Set → Code runs, the code reads
 * `$json` and `$node("…")`, its console lines land on the step record, it reaches no local server and
 * sees no binding or secret, and an endless loop fails the run while the API keeps answering.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { createWorkflow, doc, runWorkflow, stepOf, waitFor } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

const echo = inject("echoServerUrl");

async function runCodeWorkflow(user: TestUser, code: string, body: unknown = {}) {
  const workflowId = await createWorkflow(
    user,
    doc(
      "Code scenario",
      [
        { id: "m", type: "manualTrigger", name: "Manual" },
        { id: "p", type: "set", name: "Prepare", parameters: { fields: { list: "{{ $trigger.numbers }}" } } },
        { id: "c", type: "code", name: "Sum", parameters: { code, timeoutMs: 1000 } },
      ],
      [
        ["m", "p"],
        ["p", "c"],
      ],
    ),
  );
  return waitFor(user, await runWorkflow(user, workflowId, body));
}

describe("code node, end to end", { timeout: 60_000 }, () => {
  it("computes from $json and $node(…), records its console lines, and leaves {{ }} in the code alone", async () => {
    const user = await signUp();
    const execution = await runCodeWorkflow(
      user,
      `const label = "{{ not an expression }}";
       const sum = $json.list.reduce((a, b) => a + b, 0);
       console.log("summing", $json.list.length, "numbers");
       console.warn({ label });
       return { sum, first: $node("Manual").numbers[0], execution: typeof $execution.id };`,
      { numbers: [1, 2, 3, 4, 5] },
    );
    expect(execution.status).toBe("success");
    expect(stepOf(execution, "c")).toMatchObject({
      status: "success",
      attempts: 1,
      input: { list: [1, 2, 3, 4, 5] },
      output: { sum: 15, first: 1, execution: "string" },
      logs: [
        { level: "log", message: "summing 5 numbers" },
        { level: "warn", message: '{"label":"{{ not an expression }}"}' },
      ],
    });
    expect(stepOf(execution, "p")?.logs).toBeNull();
  });

  it("reaches no local server and sees no binding or secret", async () => {
    const user = await signUp();
    const key = `e2e-${crypto.randomUUID()}`;
    const execution = await runCodeWorkflow(
      user,
      `const seen = [];
       for (const attempt of [() => fetch("${echo}/probe/${key}"), () => import("cloudflare:sockets")]) {
         try { await attempt(); seen.push("sent"); } catch (e) { seen.push(e.name); }
       }
       const names = [];
       const walk = (o, d) => { if (!o || d > 3) return; for (const n of Object.getOwnPropertyNames(o)) { names.push(n); try { walk(o[n], d + 1); } catch (e) {} } };
       walk(globalThis, 0);
       return { seen, names, strings: JSON.stringify($json) + JSON.stringify($node("Manual")) };`,
      { numbers: [] },
    );
    expect(execution.status).toBe("success");
    const output = stepOf(execution, "c")?.output as { seen: string[]; names: string[]; strings: string };
    expect(output.seen).toEqual(["ReferenceError", "ReferenceError"]);
    const hits = (await (await fetch(`${echo}/probe-hits/${key}`)).json()) as { hits: number };
    expect(hits.hits).toBe(0);
    for (const binding of Object.keys(env)) expect(output.names).not.toContain(binding);
    for (const value of Object.values(env)) {
      if (typeof value === "string" && value.length > 8) expect(JSON.stringify(output)).not.toContain(value);
    }
  });

  it("an endless loop fails the run once, with a clear error, and the API keeps answering", async () => {
    const user = await signUp();
    const execution = await runCodeWorkflow(user, 'console.log("looping"); while (true) {}');
    expect(execution.status).toBe("error");
    expect(execution.error).toMatchObject({
      nodeId: "c",
      message: 'Node "Sum": Code ran longer than its time limit (timeoutMs 1000) and was stopped',
    });
    // Not retried: the same code on the same data would loop again.
    expect(stepOf(execution, "c")).toMatchObject({
      status: "error",
      attempts: 1,
      logs: [{ level: "log", message: "looping" }],
    });
    expect((await user.fetch("/api/workflows")).status).toBe(200);
    const next = await runCodeWorkflow(user, "return { sum: $json.list.length };", { numbers: [7, 8] });
    expect(stepOf(next, "c")?.output).toEqual({ sum: 2 });
  });
});
