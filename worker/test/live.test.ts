import { describe, expect, it } from "vitest";
import type { ExecutionLiveMessage, WorkflowLiveMessage } from "../src/realtime/events";
import { createWorkflow, doc, runWorkflow, waitFor } from "./api-helpers-engine";
import { call, signUp, type TestUser } from "./helpers";

const approval = doc(
  "Approval",
  [
    { id: "t", type: "manualTrigger", name: "Start" },
    { id: "e", type: "waitForEvent", name: "Approval", parameters: { event: "go", timeoutSeconds: 3600 } },
    { id: "after", type: "set", name: "After", parameters: { fields: { ok: true } } },
  ],
  [
    ["t", "e"],
    ["e", "after"],
  ],
);

/** Opens a live socket through the Worker and records every message. */
async function connect<M>(user: TestUser, path: string, auth: "bearer" | "cookie" = "bearer") {
  const headers: Record<string, string> = { Upgrade: "websocket" };
  if (auth === "cookie") headers.cookie = user.cookie;
  const res = auth === "bearer" ? await user.fetch(path, { headers }) : await call(path, { headers });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const messages: M[] = [];
  ws.addEventListener("message", (e) => {
    messages.push(JSON.parse(e.data as string) as M);
  });
  ws.accept();
  return { ws, messages };
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The state a client builds from a snapshot and the messages after it. */
function fold(messages: ExecutionLiveMessage[]) {
  const state = { execution: "", nodes: {} as Record<string, string> };
  for (const m of messages) {
    if (m.type === "snapshot") {
      state.execution = m.execution?.status ?? "";
      state.nodes = Object.fromEntries(Object.entries(m.nodes).map(([id, n]) => [id, n.status]));
    } else if (m.type === "node") state.nodes[m.nodeId] = m.status;
    else state.execution = m.status;
  }
  return state;
}

describe("live run status", { timeout: 30_000 }, () => {
  it("sends a snapshot, then node and execution messages in order; a late joiner gets the full snapshot", async () => {
    const user = await signUp();
    const id = await runWorkflow(user, await createWorkflow(user, approval));
    await waitFor(user, id, (e) => e.status === "waiting");

    const live = await connect<ExecutionLiveMessage>(user, `/api/executions/${id}/live`, "cookie");
    await until(() => live.messages.length > 0, "snapshot");
    expect(live.messages[0]).toMatchObject({
      type: "snapshot",
      execution: { id, status: expect.any(String) },
    });
    await until(() => {
      const s = fold(live.messages);
      return s.execution === "waiting" && s.nodes.e === "waiting";
    }, "waiting state");
    expect(fold(live.messages).nodes.t).toBe("success");
    const seen = live.messages.length;

    expect((await user.fetch(`/api/executions/${id}/events/go`, { method: "POST", json: {} })).status).toBe(
      202,
    );
    await waitFor(user, id);
    await until(() => fold(live.messages).execution === "success", "success message");

    const after = live.messages.slice(seen);
    const seqs = live.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs.slice(1)).size).toBe(seqs.length - 1);
    expect(
      after.filter((m) => m.type === "node").map((m) => m.type === "node" && `${m.nodeId}:${m.status}`),
      // "After" is pure: it runs (with the end of the run) in one step and shows its final state at once.
    ).toEqual(["e:running", "e:success", "after:success"]);
    expect(
      after.filter((m) => m.type === "execution").map((m) => m.type === "execution" && m.status),
    ).toEqual(["running", "success"]);
    expect(after.at(-1)).toMatchObject({
      type: "execution",
      status: "success",
      finishedAt: expect.any(String),
    });
    live.ws.close(1000, "done");

    const late = await connect<ExecutionLiveMessage>(user, `/api/executions/${id}/live`);
    await until(() => late.messages.length > 0, "late snapshot");
    const snapshot = late.messages[0];
    expect(snapshot).toMatchObject({
      type: "snapshot",
      execution: { id, status: "success", error: null },
      nodes: {
        t: { nodeName: "Start", status: "success", attempt: 1 },
        e: { nodeName: "Approval", status: "success", attempt: 1 },
        after: { nodeName: "After", status: "success", attempt: 1, finishedAt: expect.any(String) },
      },
    });
    late.ws.close(1000, "done");
  });

  it("follows a workflow's newest execution, whatever started it", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, approval);
    const live = await connect<WorkflowLiveMessage>(user, `/api/workflows/${workflowId}/live`);
    await until(() => live.messages.length > 0, "snapshot");
    expect(live.messages[0]).toEqual({
      type: "snapshot",
      seq: expect.any(Number),
      workflowId,
      execution: null,
    });

    const id = await runWorkflow(user, workflowId);
    await until(
      () =>
        live.messages.some((m) => m.type === "execution" && m.executionId === id && m.status === "waiting"),
      "waiting message",
    );
    await user.fetch(`/api/executions/${id}/cancel`, { method: "POST" });
    await until(
      () => live.messages.some((m) => m.type === "execution" && m.status === "canceled"),
      "canceled",
    );
    const statuses = live.messages.flatMap((m) => (m.type === "execution" ? [m.status] : []));
    // `queued` (published by startExecution) and the engine's first `running` race each other; the room
    // never moves backwards, so `queued` may be skipped but never follows a later status.
    expect(["queued", "running"]).toContain(statuses[0]);
    expect(statuses.lastIndexOf("queued")).toBeLessThanOrEqual(0);
    expect(statuses).toContain("waiting");
    expect(statuses.at(-1)).toBe("canceled");
    live.ws.close(1000, "done");

    const late = await connect<WorkflowLiveMessage>(user, `/api/workflows/${workflowId}/live`);
    await until(() => late.messages.length > 0, "late snapshot");
    expect(late.messages[0]).toMatchObject({ type: "snapshot", execution: { id, status: "canceled" } });
    late.ws.close(1000, "done");
  });

  it("refuses a live request that is not a WebSocket upgrade, and one without credentials", async () => {
    const user = await signUp();
    const id = await runWorkflow(user, await createWorkflow(user, approval));
    expect((await user.fetch(`/api/executions/${id}/live`)).status).toBe(426);
    expect((await call(`/api/executions/${id}/live`, { headers: { Upgrade: "websocket" } })).status).toBe(
      401,
    );
    await user.fetch(`/api/executions/${id}/cancel`, { method: "POST" });
  });
});
