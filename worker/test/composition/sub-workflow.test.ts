import { describe, expect, it } from "vitest";
import { createWorkflow, doc, getExecution, runWorkflow, waitFor } from "../api-helpers-engine";
import { signUp, type TestUser } from "../helpers";
import { executionsOf } from "./helpers";

const doubler = doc(
  "Doubler",
  [
    { id: "wt", type: "workflowTrigger", name: "Called" },
    { id: "double", type: "set", name: "Double", parameters: { fields: { doubled: "{{ $json.n * 2 }}" } } },
  ],
  [["wt", "double"]],
);

function caller(workflowId: string, extra: Record<string, unknown> = {}) {
  return doc(
    "Caller",
    [
      { id: "t", type: "manualTrigger", name: "Start" },
      { id: "call", type: "executeWorkflow", name: "Call", parameters: { workflowId, ...extra } },
      { id: "after", type: "set", name: "After", parameters: { fields: { got: "{{ $json }}" } } },
    ],
    [
      ["t", "call"],
      ["call", "after"],
    ],
  );
}

async function children(user: TestUser, executionId: string) {
  return ((await getExecution(user, executionId)) as unknown as { children: { id: string }[] }).children;
}

describe("sub-workflows", () => {
  it("the parent waits for the child and gets its last node's output; both pages link", async () => {
    const user = await signUp();
    const child = await createWorkflow(user, doubler);
    const parent = await createWorkflow(user, caller(child));
    const parentRun = await waitFor(user, await runWorkflow(user, parent, { n: 21 }));
    expect(parentRun.status).toBe("success");
    expect(parentRun.steps.find((s) => s.nodeId === "call")!.output).toEqual({ doubled: 42 });
    expect(parentRun.steps.find((s) => s.nodeId === "after")!.output).toEqual({ got: { doubled: 42 } });

    const [childRun] = await executionsOf(user, child);
    expect(childRun).toMatchObject({
      mode: "subworkflow",
      status: "success",
      parentExecutionId: parentRun.id,
    });
    expect((await getExecution(user, childRun.id)).triggerData).toEqual({ n: 21 });
    expect(await children(user, parentRun.id)).toEqual([
      { id: childRun.id, workflowId: child, status: "success" },
    ]);
  }, 30_000);

  it("a child that fails after its own wait fails the parent node with the child's message", async () => {
    const user = await signUp();
    const child = await createWorkflow(
      user,
      doc(
        "Slow failure",
        [
          { id: "wt", type: "workflowTrigger", name: "Called" },
          { id: "pause", type: "wait", name: "Pause", parameters: { seconds: 1 } },
          { id: "boom", type: "stopAndError", name: "Boom", parameters: { message: "child broke" } },
        ],
        [
          ["wt", "pause"],
          ["pause", "boom"],
        ],
      ),
    );
    const parent = await createWorkflow(user, caller(child));
    const parentRun = await waitFor(user, await runWorkflow(user, parent, {}));
    expect(parentRun.status).toBe("error");
    expect(parentRun.error?.nodeId).toBe("call");
    expect(parentRun.error?.message).toContain("child broke");
    expect(parentRun.steps.find((s) => s.nodeId === "after")).toBeUndefined();
    const [childRun] = await executionsOf(user, child);
    expect(childRun.status).toBe("error");
  }, 30_000);

  it("without wait outputs { executionId } at once, and the child still runs", async () => {
    const user = await signUp();
    const child = await createWorkflow(user, doubler);
    const parent = await createWorkflow(user, caller(child, { wait: false, input: { n: 5 } }));
    const parentRun = await waitFor(user, await runWorkflow(user, parent, {}));
    expect(parentRun.status).toBe("success");
    const output = parentRun.steps.find((s) => s.nodeId === "call")!.output as { executionId: string };
    const childRun = await waitFor(user, output.executionId);
    expect(childRun).toMatchObject({ status: "success", parentExecutionId: parentRun.id });
    expect(childRun.steps.find((s) => s.nodeId === "double")!.output).toEqual({ doubled: 10 });
  }, 30_000);

  it("never runs another user's workflow: 422 at save, a node error at run time, nothing started", async () => {
    const user = await signUp();
    const other = await signUp();
    const foreign = await createWorkflow(other, doubler);
    const res = await user.fetch("/api/workflows", { method: "POST", json: caller(foreign) });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: { nodeId: string; field: string }[] } };
    expect(body.error.details[0]).toMatchObject({ nodeId: "call", field: "parameters.workflowId" });

    // The same id arriving through an expression is refused when the node runs.
    const parent = await createWorkflow(user, caller("{{ $json.target }}"));
    const run = await waitFor(user, await runWorkflow(user, parent, { target: foreign }));
    expect(run.status).toBe("error");
    expect(run.error?.message).toContain("no workflow of yours");
    expect(run.steps.find((s) => s.nodeId === "call")!.attempts).toBe(0);
    expect(await executionsOf(other, foreign)).toHaveLength(0);
  }, 30_000);

  it("fails a call nested more than 10 deep", async () => {
    const user = await signUp();
    const id = await createWorkflow(
      user,
      doc("Recursive", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
    );
    const recursive = doc(
      "Recursive",
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "wt", type: "workflowTrigger", name: "Called" },
        { id: "call", type: "executeWorkflow", name: "Call", parameters: { workflowId: id } },
      ],
      [
        ["t", "call"],
        ["wt", "call"],
      ],
    );
    expect((await user.fetch(`/api/workflows/${id}`, { method: "PUT", json: recursive })).status).toBe(200);
    const top = await waitFor(user, await runWorkflow(user, id, {}));
    expect(top.status).toBe("error");
    expect(top.error?.message).toContain("nested more than 10 deep");
    // The top run and ten nested ones; the eleventh call was refused.
    expect(await executionsOf(user, id)).toHaveLength(11);
  }, 90_000);

  it("inside a forEach body: one child per element, each awaited; done holds their answers in order", async () => {
    const user = await signUp();
    const child = await createWorkflow(user, doubler);
    const loop = (extra: Record<string, unknown>) =>
      doc(
        "Each calls",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          {
            id: "l",
            type: "forEach",
            name: "Each",
            parameters: { items: "{{ $json.list }}", concurrency: 2 },
          },
          { id: "call", type: "executeWorkflow", name: "Call", parameters: { workflowId: child, ...extra } },
        ],
        [
          ["t", "l"],
          ["l", "call", "item"],
        ],
      );
    const waited = await createWorkflow(user, loop({}));
    const run = await waitFor(
      user,
      await runWorkflow(user, waited, { list: [{ n: 1 }, { n: 2 }, { n: 3 }] }),
    );
    expect(run.status, JSON.stringify(run.error)).toBe("success");
    expect(run.steps.find((s) => s.nodeId === "l")!.output).toMatchObject({
      results: [{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }],
      count: 3,
      failed: 0,
    });
    const childRuns = await executionsOf(user, child);
    expect(childRuns).toHaveLength(3);
    for (const c of childRuns) expect(c).toMatchObject({ parentExecutionId: run.id, status: "success" });

    // Without wait: each element hands on its own child's id at once.
    const fired = await createWorkflow(user, loop({ wait: false }));
    const firedRun = await waitFor(user, await runWorkflow(user, fired, { list: [{ n: 4 }, { n: 5 }] }));
    expect(firedRun.status, JSON.stringify(firedRun.error)).toBe("success");
    const ids = (
      firedRun.steps.find((s) => s.nodeId === "l")!.output as { results: { executionId: string }[] }
    ).results.map((r) => r.executionId);
    expect(new Set(ids).size).toBe(2);
    const outputs = await Promise.all(
      ids.map(async (id) => (await waitFor(user, id)).steps.find((s) => s.nodeId === "double")!.output),
    );
    expect(outputs).toEqual([{ doubled: 8 }, { doubled: 10 }]);
  }, 60_000);
});
