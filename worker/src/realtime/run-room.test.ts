import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LiveExecutionState, LiveNodeState } from "./events";

const room = () => env.RUN_ROOM.get(env.RUN_ROOM.idFromName(crypto.randomUUID()));
const node = (
  status: LiveNodeState["status"],
  attempt: number,
  extra: Partial<LiveNodeState> = {},
): LiveNodeState => ({
  nodeId: "n1",
  nodeName: "Node",
  status,
  attempt,
  error: null,
  startedAt: null,
  finishedAt: null,
  ...extra,
});
const execution = (status: LiveExecutionState["status"]): LiveExecutionState => ({
  id: "ex1",
  workflowId: "wf1",
  status,
  error: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: null,
  finishedAt: null,
});

describe("RunRoom.publish", () => {
  it("applies an event once: a replayed event is a no-op", async () => {
    const r = room();
    const event = { type: "node" as const, executionId: "ex1", node: node("running", 1), at: 100 };
    expect(await r.publish(event)).toBe(true);
    expect(await r.publish(event)).toBe(false);
  });

  it("never goes backwards: an older attempt or a late running after success is dropped", async () => {
    const r = room();
    expect(await r.publish({ type: "node", executionId: "ex1", node: node("running", 2), at: 200 })).toBe(
      true,
    );
    expect(await r.publish({ type: "node", executionId: "ex1", node: node("running", 1), at: 300 })).toBe(
      false,
    );
    expect(await r.publish({ type: "node", executionId: "ex1", node: node("success", 2), at: 400 })).toBe(
      true,
    );
    expect(await r.publish({ type: "node", executionId: "ex1", node: node("running", 3), at: 500 })).toBe(
      false,
    );
  });

  it("keeps a finished execution finished (a cancel beats a late running)", async () => {
    const r = room();
    expect(await r.publish({ type: "execution", execution: execution("running"), at: 100 })).toBe(true);
    // A "queued" published late (startExecution racing the engine) does not move it back.
    expect(await r.publish({ type: "execution", execution: execution("queued"), at: 150 })).toBe(false);
    expect(await r.publish({ type: "execution", execution: execution("running"), at: 160 })).toBe(false);
    expect(await r.publish({ type: "execution", execution: execution("waiting"), at: 170 })).toBe(true);
    expect(await r.publish({ type: "execution", execution: execution("running"), at: 180 })).toBe(true);
    expect(await r.publish({ type: "execution", execution: execution("canceled"), at: 200 })).toBe(true);
    expect(await r.publish({ type: "execution", execution: execution("running"), at: 300 })).toBe(false);
  });

  it("seeds only what it does not know, or a final status it missed", async () => {
    const r = room();
    await r.publish({ type: "node", executionId: "ex1", node: node("running", 1), at: 100 });
    await r.seed(execution("running"), [node("queued", 0), node("success", 1, { nodeId: "n2" })]);
    // n1 stays running (the seed is not newer); a later success still applies.
    expect(await r.publish({ type: "node", executionId: "ex1", node: node("running", 1), at: 100 })).toBe(
      false,
    );
    expect(await r.publish({ type: "node", executionId: "ex1", node: node("success", 1), at: 150 })).toBe(
      true,
    );
    // n2 came from the seed and is final.
    expect(
      await r.publish({
        type: "node",
        executionId: "ex1",
        node: node("running", 1, { nodeId: "n2" }),
        at: 500,
      }),
    ).toBe(false);
  });

  it("keeps its state in storage (one key per node), so it survives hibernation and eviction", async () => {
    const id = env.RUN_ROOM.idFromName(crypto.randomUUID());
    const r = env.RUN_ROOM.get(id);
    await r.publish({ type: "execution", execution: execution("running"), at: 100 });
    await r.publish({ type: "node", executionId: "ex1", node: node("success", 1), at: 110 });
    await r.publish({
      type: "node",
      executionId: "ex1",
      node: node("running", 1, { nodeId: "n2" }),
      at: 120,
    });
    await runInDurableObject(r, async (_instance, state) => {
      const meta = await state.storage.get<{ seq: number; execution: { status: string } }>("meta");
      expect(meta).toMatchObject({ seq: 3, execution: { status: "running" } });
      const nodes = await state.storage.list<{ status: string }>({ prefix: "node:" });
      expect([...nodes].map(([key, n]) => [key, n.status])).toEqual([
        ["node:n1", "success"],
        ["node:n2", "running"],
      ]);
    });

    // Evict the object (what hibernation or a restart does to its memory), then load it afresh.
    const first = await runInDurableObject(r, (instance) => instance);
    await runInDurableObject(r, (_instance, state) => state.abort("evicted by the test")).catch(() => {});
    const reloaded = env.RUN_ROOM.get(id);
    await runInDurableObject(reloaded, (instance) => {
      expect(instance).not.toBe(first);
    });
    // The reloaded room still knows n1 succeeded (a late running of attempt 1 is dropped) and the seq
    // goes on from 3, so a client never sees a number twice.
    expect(
      await reloaded.publish({ type: "node", executionId: "ex1", node: node("running", 1), at: 130 }),
    ).toBe(false);
    expect(await reloaded.publish({ type: "execution", execution: execution("success"), at: 140 })).toBe(
      true,
    );
    await runInDurableObject(reloaded, async (_instance, state) => {
      expect(await state.storage.get("meta")).toMatchObject({ seq: 4, execution: { status: "success" } });
    });
  });
});

describe("RunRoom.respond / awaitAnswer (respond: responseNode)", () => {
  const answer = (status: number) => ({ status, headers: {}, body: String(status) });

  it("hands the first answer to a request already waiting; the same node run again is told it answered", async () => {
    const r = room();
    const waiting = r.awaitAnswer(20_000);
    expect(await r.respond("reply", "Reply", answer(201))).toEqual({ answered: true });
    expect(await waiting).toEqual({ answer: answer(201) });
    // A retried or replayed step of the same node: "answered", nothing new is sent.
    expect(await r.respond("reply", "Reply", answer(201))).toEqual({ answered: true });
    // Another node (a later one, or a later loop element) passes through.
    expect(await r.respond("reply@1", "Reply", answer(202))).toEqual({
      answered: false,
      reason: 'the webhook call was already answered by node "Reply"',
    });
  });

  it("keeps an answer given before the request asks, and the claim in storage", async () => {
    const r = room();
    await r.respond("a", "A", answer(200));
    await r.publish({ type: "execution", execution: execution("success"), at: 100 });
    expect(await r.awaitAnswer(20_000)).toEqual({ answer: answer(200) });
    // Storage keeps the claim (reloaded by the constructor): an evicted room still knows who answered.
    await runInDurableObject(r, async (_instance, state) => {
      expect(await state.storage.get("answer")).toMatchObject({ key: "a", nodeName: "A" });
    });
  });

  it("without an answer: the run's end, or null after the timeout", async () => {
    const r = room();
    const waiting = r.awaitAnswer(20_000);
    const result = { lastNode: { nodeId: "n", nodeName: "N", output: { x: 1 } } };
    await r.publish({ type: "execution", execution: execution("success"), at: 100, result });
    expect(await waiting).toEqual({ end: { execution: execution("success"), result } });
    expect(await room().awaitAnswer(10)).toBeNull();
  });
});
