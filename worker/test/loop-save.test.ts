/** Saving loops: a body that leaks out of its loop, or a concurrency out of range, is a 422 that changes nothing. */
import { describe, expect, it } from "vitest";
import { doc } from "./api-helpers-engine";
import { signUp } from "./helpers";

const loopDoc = (edges: [string, string, string?][], loopParams: Record<string, unknown> = {}) =>
  doc(
    "Loop",
    [
      { id: "t", type: "manualTrigger", name: "Start" },
      {
        id: "l",
        type: "forEach",
        name: "Each row",
        parameters: { items: "{{ $json.rows }}", ...loopParams },
      },
      { id: "a", type: "set", name: "Shape", parameters: { fields: { x: "{{ $json }}" } } },
      { id: "z", type: "set", name: "After", parameters: { fields: { n: "{{ $json.count }}" } } },
    ],
    edges,
  );
const good: [string, string, string?][] = [
  ["t", "l"],
  ["l", "a", "item"],
  ["l", "z", "done"],
];

describe("saving a forEach loop", () => {
  it("accepts a body that stays inside and returns the loop's two outputs in node-types", async () => {
    const user = await signUp();
    const res = await user.fetch("/api/workflows", { method: "POST", json: loopDoc(good) });
    expect(res.status, await res.clone().text()).toBe(201);
    const types = (await (await user.fetch("/api/node-types")).json()) as {
      items: { type: string; outputs: string[] }[];
    };
    expect(types.items.find((t) => t.type === "forEach")?.outputs).toEqual(["item", "done"]);
  });

  it("refuses a body node with an edge out of the body, naming the edge, and stores nothing", async () => {
    const user = await signUp();
    const res = await user.fetch("/api/workflows", { method: "POST", json: loopDoc([...good, ["a", "z"]]) });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { message: string; details: Record<string, unknown>[] } };
    expect(body.error.details).toEqual([
      expect.objectContaining({ code: "loop_edge_leaves_body", edgeId: "e3", nodeName: "Shape" }),
    ]);
    expect(body.error.message).toContain("Edge 'e3'");
    const list = (await (await user.fetch("/api/workflows")).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it("refuses a concurrency outside 1–20", async () => {
    const user = await signUp();
    for (const concurrency of [0, 21]) {
      const res = await user.fetch("/api/workflows", {
        method: "POST",
        json: loopDoc(good, { concurrency }),
      });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { details: Record<string, unknown>[] } };
      expect(body.error.details).toEqual([
        expect.objectContaining({ nodeName: "Each row", field: "parameters.concurrency" }),
      ]);
    }
  });
});
