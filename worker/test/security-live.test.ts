/**
 * Issue 13: the live socket carries statuses, attempts, timings and sizes, never a step's input or output,
 * so a socket on a big run neither ships nor loads its payloads.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createWorkflow, doc, runWorkflow, waitFor } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

/** Each step's stored input and output bytes, as D1 counts them. */
async function storedSizes(executionId: string) {
  const { results } = await env.DB.prepare(
    `SELECT node_id, length(CAST(input AS BLOB)) AS i, length(CAST(output AS BLOB)) AS o
     FROM execution_step WHERE execution_id = ?`,
  )
    .bind(executionId)
    .all<{ node_id: string; i: number | null; o: number | null }>();
  return Object.fromEntries(results.map((r) => [r.node_id, { inputBytes: r.i, outputBytes: r.o }]));
}

/** Opens a live socket on `path`; resolves with its first message (the snapshot), then closes it. */
async function firstMessage(user: TestUser, path: string, keepOpen = false) {
  const res = await user.fetch(path, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const first = new Promise<string>((resolve) =>
    ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }),
  );
  ws.accept();
  const text = await first;
  if (!keepOpen) ws.close(1000);
  return { text, ws };
}

describe("live state without payloads", { timeout: 60_000 }, () => {
  it("the snapshot and every message name statuses only; the 200 KB outputs never appear", async () => {
    const user = await signUp();
    const marker = `payload-${crypto.randomUUID()}`;
    const big = `{{ $pad('${marker}', 200000, 'x') }}`;
    const workflowId = await createWorkflow(
      user,
      doc(
        "Big outputs",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          { id: "a", type: "set", name: "A", parameters: { fields: { text: big } } },
          { id: "b", type: "set", name: "B", parameters: { fields: { text: big }, keepInput: true } },
        ],
        [
          ["t", "a"],
          ["a", "b"],
        ],
      ),
    );
    const executionId = await runWorkflow(user, workflowId, { secretInput: marker });
    const messages: string[] = [];
    const open = async () => {
      const res = await user.fetch(`/api/executions/${executionId}/live`, {
        headers: { Upgrade: "websocket" },
      });
      expect(res.status).toBe(101);
      res.webSocket!.addEventListener("message", (e) => messages.push(String(e.data)));
      res.webSocket!.accept();
      return res.webSocket!;
    };
    const early = await open();
    expect((await waitFor(user, executionId)).status).toBe("success");
    const late = await open();
    const deadline = Date.now() + 10_000;
    while (messages.filter((m) => m.includes('"snapshot"')).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    early.close(1000);
    late.close(1000);
    const snapshot = JSON.parse(messages.filter((m) => m.includes('"snapshot"')).at(-1)!) as {
      nodes: Record<string, { status: string; attempt: number; startedAt: string | null }>;
    };
    expect(Object.fromEntries(Object.entries(snapshot.nodes).map(([id, n]) => [id, n.status]))).toEqual({
      t: "success",
      a: "success",
      b: "success",
    });
    expect(snapshot.nodes.a.attempt).toBe(1);
    for (const message of messages) {
      expect(message).not.toContain(marker);
      expect(message).not.toMatch(/"(input|output)"/);
      expect(message.length).toBeLessThan(5_000);
    }
  });

  it("the snapshot carries each node's input and output sizes as stored, watched or not", async () => {
    const user = await signUp();
    const big = `{{ $pad('', 200000, 'x') }}`;
    const workflowId = await createWorkflow(
      user,
      doc(
        "Sizes",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          { id: "a", type: "set", name: "A", parameters: { fields: { text: big } } },
          { id: "b", type: "set", name: "B", parameters: { fields: { n: "{{ 1 }}" } } },
        ],
        [
          ["t", "a"],
          ["a", "b"],
        ],
      ),
    );
    type Snapshot = { nodes: Record<string, { sizes?: unknown }> };
    const sizesOf = (snapshot: Snapshot) =>
      Object.fromEntries(Object.entries(snapshot.nodes).map(([id, n]) => [id, n.sizes]));

    // Nobody watches: the room is seeded from D1 (lengths counted there, no payload read).
    const quiet = await runWorkflow(user, workflowId, { n: 1 });
    expect((await waitFor(user, quiet)).status).toBe("success");
    const stored = await storedSizes(quiet);
    expect(stored.a.outputBytes).toBeGreaterThan(200_000);
    expect(stored.b.inputBytes).toBe(stored.a.outputBytes);
    expect(stored.t.inputBytes).toBeNull();
    const seeded = await firstMessage(user, `/api/executions/${quiet}/live`);
    expect(seeded.text.length).toBeLessThan(5_000);
    expect(sizesOf(JSON.parse(seeded.text) as Snapshot)).toEqual(stored);

    // Watched from the start (an open editor): the engine's own messages carry the sizes it measured.
    const editor = await firstMessage(user, `/api/workflows/${workflowId}/live`, true);
    const watched = await runWorkflow(user, workflowId, { n: 2 });
    expect((await waitFor(user, watched)).status).toBe("success");
    const live = await firstMessage(user, `/api/executions/${watched}/live`);
    editor.ws.close(1000);
    expect(sizesOf(JSON.parse(live.text) as Snapshot)).toEqual(await storedSizes(watched));
  });
});
