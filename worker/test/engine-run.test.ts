import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { startExecution } from "../src/engine/start-execution";
import { chain, finished, saveWorkflow } from "./engine-fixtures";
import { signUp } from "./helpers";

describe("engine: a linear run", () => {
  it("runs every node in order and records exact outputs and steps", async () => {
    const user = await signUp();
    const workflowId = await saveWorkflow(user.userId, {
      nodes: [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "a", type: "set", name: "Double", parameters: { fields: { doubled: "{{ $json.n * 2 }}" } } },
        {
          id: "b",
          type: "set",
          name: "Describe",
          parameters: {
            fields: { text: "{{ $json.doubled }} from {{ $trigger.n }}", start: '{{ $node("Start").n }}' },
          },
        },
      ],
      edges: chain("t", "a", "b"),
    });
    const { executionId } = await startExecution(env, {
      userId: user.userId,
      workflowId,
      mode: "manual",
      triggerData: { n: 21 },
    });
    const { execution, steps } = await finished(executionId);
    expect(execution).toMatchObject({
      status: "success",
      error: null,
      version: 1,
      mode: "manual",
      triggerNodeId: "t",
    });
    expect(execution.startedAt).toBeInstanceOf(Date);
    expect(execution.finishedAt).toBeInstanceOf(Date);
    expect(steps.t).toMatchObject({
      status: "success",
      attempts: 1,
      input: null,
      output: { n: 21 },
      error: null,
    });
    expect(steps.a).toMatchObject({
      status: "success",
      attempts: 1,
      input: { n: 21 },
      output: { doubled: 42 },
    });
    expect(steps.b).toMatchObject({
      status: "success",
      nodeName: "Describe",
      input: { doubled: 42 },
      output: { text: "42 from 21", start: 21 },
    });
    expect(steps.b.startedAt!.getTime()).toBeGreaterThanOrEqual(steps.a.finishedAt!.getTime());
  });
});
