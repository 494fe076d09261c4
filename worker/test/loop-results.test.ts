/**
 * A forEach whose `done` output is larger than a step result holds (~900 KiB): the `:done` step hands on
 * a reference, the consuming nodes' steps read the full list back from D1 (`$json` and `$node(...)`), and
 * an output over the documented maximum (16 MiB) fails the loop node with a clear error.
 */
import { describe, expect, it } from "vitest";
import { createWorkflow, doc, getExecution, runWorkflow, stepOf, type DocNode } from "./api-helpers-engine";
import { call, signUp, type TestUser } from "./helpers";
import { webhookIdOf, type SavedNode } from "./trigger-scenarios";

async function finished(user: TestUser, id: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const e = await getExecution(user, id);
    if (["success", "error", "canceled"].includes(e.status)) return e;
    if (Date.now() > deadline) throw new Error(`execution ${id} stayed ${e.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Start → Each ─item→ Pad (an element of `padChars` characters) ; Each ─done→ Count → Again. */
async function runPadded(user: TestUser, rows: number, padChars: number) {
  const nodes: DocNode[] = [
    { id: "t", type: "manualTrigger", name: "Start" },
    { id: "l", type: "forEach", name: "Each", parameters: { items: "{{ $json.rows }}", concurrency: 4 } },
    {
      id: "p",
      type: "set",
      name: "Pad",
      parameters: { fields: { i: "{{ $item.index }}", pad: `{{ $pad("", ${padChars}, "x") }}` } },
    },
    {
      id: "c",
      type: "set",
      name: "Count",
      parameters: {
        fields: {
          n: "{{ $count($json.results) }}",
          count: "{{ $json.count }}",
          first: "{{ $json.results[0].i }}",
          last: "{{ $json.results[-1].i }}",
          padLength: "{{ $length($json.results[0].pad) }}",
          total: "{{ $sum($json.results.i) }}",
        },
      },
    },
    {
      // Not next to the loop: it reads the loop's output by name, and calls out of the pure group.
      id: "a",
      type: "code",
      name: "Again",
      parameters: {
        code: 'const each = $node("Each"); return { n: each.results.length, last: each.results.at(-1).i };',
      },
    },
  ];
  const edges: [string, string, string?][] = [
    ["t", "l"],
    ["l", "p", "item"],
    ["l", "c", "done"],
    ["c", "a"],
  ];
  const workflowId = await createWorkflow(user, doc("Large results", nodes, edges));
  const id = await runWorkflow(user, workflowId, { rows: Array.from({ length: rows }, (_, i) => i) });
  return finished(user, id);
}

/** `trigger` → Each ─item→ Pad: one element of 40,000 characters per row, ~1.2 MiB for 30 rows. */
function bigLoop(name: string, trigger: DocNode, items: string) {
  return doc(
    name,
    [
      trigger,
      { id: "l", type: "forEach", name: "Each", parameters: { items, concurrency: 4 } },
      {
        id: "p",
        type: "set",
        name: "Pad",
        parameters: { fields: { i: "{{ $item.index }}", pad: '{{ $pad("", 40000, "x") }}' } },
      },
    ],
    [
      [trigger.id, "l"],
      ["l", "p", "item"],
    ],
  );
}

describe("forEach results larger than a step result", { timeout: 120_000 }, () => {
  it("reach the nodes after done in full (by $json and by $node)", async () => {
    const user = await signUp();
    // 300 elements × ~4 KiB ≈ 1.2 MiB of results: over the 900 KiB a step result may carry.
    const execution = await runPadded(user, 300, 4000);
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    expect(stepOf(execution, "c")!.output).toEqual({
      n: 300,
      count: 300,
      first: 0,
      last: 299,
      padLength: 4000,
      total: (299 * 300) / 2,
    });
    expect(stepOf(execution, "a")!.output).toEqual({ n: 300, last: 299 });
    // What the loop handed on (and recorded) is the small reference, not the list.
    expect(stepOf(execution, "l")!.status).toBe("success");
    const loopOutput = stepOf(execution, "l")!.output as Record<string, unknown>;
    expect(loopOutput).toMatchObject({
      __loopResults: { loopNodeId: "l", parentPath: "" },
      count: 300,
      failed: 0,
    });
    expect(JSON.stringify(loopOutput).length).toBeLessThan(1000);
  });

  it("stay inline when small", async () => {
    const user = await signUp();
    const execution = await runPadded(user, 3, 10);
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    const loopOutput = stepOf(execution, "l")!.output as Record<string, unknown>;
    expect(loopOutput.__loopResults).toBeUndefined();
    expect((loopOutput.results as unknown[]).length).toBe(3);
    expect(stepOf(execution, "c")!.output).toMatchObject({ n: 3, last: 2, padLength: 10 });
  });

  it("over the 16 MiB maximum fail the loop node, naming it", async () => {
    const user = await signUp();
    // 20 elements × 860,000 characters ≈ 16.4 MiB: each element fits, their results together do not.
    const execution = await runPadded(user, 20, 860_000);
    expect(execution.status).toBe("error");
    expect(execution.error?.nodeId).toBe("l");
    expect(execution.error?.message).toMatch(
      /Node "Each": its results are 16\.\d MiB when stored, over the 16\.0 MiB a loop's done output may hold/,
    );
    expect(stepOf(execution, "c")).toBeUndefined();
  });

  it("reach a parent through a sub-workflow whose last node is the loop", async () => {
    const user = await signUp();
    // 30 elements × 40,000 characters ≈ 1.2 MiB: the child's last output is a reference to its rows.
    const child = await createWorkflow(
      user,
      bigLoop("Big child", { id: "wt", type: "workflowTrigger", name: "Called" }, "{{ $json.rows }}"),
    );
    const parent = await createWorkflow(
      user,
      doc(
        "Parent",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          { id: "call", type: "executeWorkflow", name: "Call", parameters: { workflowId: child } },
          {
            id: "c",
            type: "set",
            name: "Count",
            parameters: { fields: { n: "{{ $count($json.results) }}", last: "{{ $json.results[-1].i }}" } },
          },
        ],
        [
          ["t", "call"],
          ["call", "c"],
        ],
      ),
    );
    const id = await runWorkflow(user, parent, { rows: Array.from({ length: 30 }, (_, i) => i) });
    const execution = await finished(user, id);
    expect(execution.status, JSON.stringify(execution.error)).toBe("success");
    expect(stepOf(execution, "call")!.output).toMatchObject({
      __loopResults: { loopNodeId: "l" },
      count: 30,
    });
    expect(stepOf(execution, "c")!.output).toEqual({ n: 30, last: 29 });
  });

  it("a reference typed by hand to another user's execution reads nothing of it", async () => {
    const victim = await signUp();
    const theirs = await runPadded(victim, 3, 10);
    expect(theirs.status).toBe("success");
    const user = await signUp();
    const forged = JSON.stringify({
      __loopResults: { executionId: theirs.id, loopNodeId: "l", parentPath: "", bytes: 10 },
      count: 3,
      failed: 0,
    });
    const workflowId = await createWorkflow(
      user,
      doc(
        "Forged",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          { id: "f", type: "code", name: "Forge", parameters: { code: `return ${forged};` } },
          { id: "r", type: "set", name: "Read", parameters: { fields: { got: "{{ $json.results }}" } } },
        ],
        [
          ["t", "f"],
          ["f", "r"],
        ],
      ),
    );
    const execution = await finished(user, await runWorkflow(user, workflowId));
    expect(execution.status).toBe("error");
    expect(execution.error?.message).toContain("are not in any of your executions");
    expect(stepOf(execution, "r")?.output ?? null).toBeNull();
  });

  it("reach a webhook caller waiting for the last node (respond lastNode) as the full list", async () => {
    const user = await signUp();
    const hook: DocNode = {
      id: "hook",
      type: "webhookTrigger",
      name: "Webhook",
      parameters: { method: "POST", respond: "lastNode" },
    };
    const saved = await user.fetch("/api/workflows", {
      method: "POST",
      json: bigLoop("Answers with a big loop", hook, "{{ $json.body.rows }}"),
    });
    expect(saved.status, await saved.clone().text()).toBe(201);
    const wf = (await saved.json()) as { id: string; nodes: SavedNode[] };
    expect((await user.fetch(`/api/workflows/${wf.id}/activate`, { method: "POST" })).status).toBe(200);
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}`, {
      method: "POST",
      json: { rows: Array.from({ length: 30 }, (_, i) => i) },
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { results: { i: number; pad: string }[]; count: number };
    expect(answer.count).toBe(30);
    expect(answer.results.map((r) => r.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(answer.results[29].pad).toHaveLength(40000);
  });
});
