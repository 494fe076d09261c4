/**
 * Issue 13: the live socket carries statuses, attempts and timings, never a step's input or output, so a
 * socket on a big run neither ships nor loads its payloads.
 */
import { describe, expect, it } from "vitest";
import { createWorkflow, doc, runWorkflow, waitFor } from "./api-helpers-engine";
import { signUp } from "./helpers";

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
});
