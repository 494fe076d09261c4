/**
 * Fairness inside a run (issue 13): one run works on at most MAX_PARALLEL_NODES (16) nodes at once.
 * Forty parallel httpRequest nodes call the fake HTTP server, which holds every answer until the test
 * releases it and counts the requests in flight at once. The test releases one answer only while 16 are
 * held (or all that remain), so the run can only progress if 16 really run together, and any 17th call
 * would be seen in flight at the server before its turn.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_PARALLEL_NODES } from "../src/engine/graph-run";
import { startExecution } from "../src/engine/start-execution";
import { finished, saveWorkflow, type TestEdge, type TestNode } from "./engine-fixtures";
import { fakeSession } from "./fakes/fake-http";
import { signUp } from "./helpers";

const CALLS = 40;

describe("parallel branches of one run", { timeout: 120_000 }, () => {
  it(`at most ${MAX_PARALLEL_NODES} nodes are in flight at once, and all ${CALLS} finish`, async () => {
    expect(MAX_PARALLEL_NODES).toBe(16);
    const fake = await fakeSession([{ status: 200, body: { ok: true }, hold: true }]);
    const user = await signUp();
    const nodes: TestNode[] = [{ id: "t", type: "manualTrigger", name: "Start" }];
    const edges: TestEdge[] = [];
    for (let i = 0; i < CALLS; i++) {
      nodes.push({
        id: `h${i}`,
        type: "httpRequest",
        name: `Call ${i}`,
        parameters: { method: "GET", url: `${fake.baseUrl}/call/${i}` },
      });
      edges.push({ source: "t", target: `h${i}` });
    }
    const workflowId = await saveWorkflow(user.userId, { nodes, edges });
    const { executionId } = await startExecution(env, {
      userId: user.userId,
      workflowId,
      mode: "manual",
      triggerData: {},
    });

    let released = 0;
    try {
      for (let polls = 0; released < CALLS; polls++) {
        const state = await fake.state();
        // Stop early with the count when the cap is broken (the answer is then already wrong).
        if (state.maxInFlight > MAX_PARALLEL_NODES) break;
        if (state.held === Math.min(MAX_PARALLEL_NODES, CALLS - released)) released += await fake.release(1);
        else if (polls > 2000) throw new Error(`stuck: ${state.held} held, ${released} released`);
        else await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      // Whatever happened, no call stays held (the run, and the server's teardown, would wait for it).
      await fake.release();
    }
    const state = await fake.state();
    expect(state.maxInFlight).toBe(MAX_PARALLEL_NODES);
    const { execution, steps } = await finished(executionId);
    expect(execution.status).toBe("success");
    expect(Object.keys(steps).filter((id) => steps[id].status === "success")).toHaveLength(CALLS + 1);
    expect(new Set(state.requests.map((r) => r.path)).size).toBe(CALLS);
  });
});
