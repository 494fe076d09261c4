import { describe, expect, it } from "vitest";
import { signUp } from "./helpers";
import { manualNode, webhookNode } from "./workflow-fixtures";

describe("GET /api/workflows/:id/versions/:version", () => {
  it("returns each saved version's document, scoped to its owner", async () => {
    const ada = await signUp();
    const created = await ada.fetch("/api/workflows", {
      method: "POST",
      json: { name: "Versions", nodes: [manualNode()], edges: [] },
    });
    expect(created.status).toBe(201);
    const first = (await created.json()) as { id: string; version: number };

    const updated = await ada.fetch(`/api/workflows/${first.id}`, {
      method: "PUT",
      json: { name: "Versions v2", nodes: [manualNode(), webhookNode("w1", "Hook")], edges: [] },
    });
    expect(updated.status).toBe(200);
    const second = (await updated.json()) as { version: number };
    expect(second.version).toBeGreaterThan(first.version);

    const v1 = await ada.fetch(`/api/workflows/${first.id}/versions/${first.version}`);
    expect(v1.status).toBe(200);
    const doc1 = (await v1.json()) as { name: string; version: number; nodes: { id: string }[] };
    expect(doc1).toMatchObject({ workflowId: first.id, version: first.version, name: "Versions" });
    expect(doc1.nodes.map((n) => n.id)).toEqual(["m1"]);

    const v2 = (await (await ada.fetch(`/api/workflows/${first.id}/versions/${second.version}`)).json()) as {
      name: string;
      nodes: { id: string; webhookId?: string }[];
    };
    expect(v2.name).toBe("Versions v2");
    expect(v2.nodes.map((n) => n.id).sort()).toEqual(["m1", "w1"]);
    expect(v2.nodes.find((n) => n.id === "w1")?.webhookId).toEqual(expect.any(String));

    expect((await ada.fetch(`/api/workflows/${first.id}/versions/999`)).status).toBe(404);
    expect((await ada.fetch(`/api/workflows/${first.id}/versions/zero`)).status).toBe(400);

    const eve = await signUp();
    const stolen = await eve.fetch(`/api/workflows/${first.id}/versions/${first.version}`);
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
