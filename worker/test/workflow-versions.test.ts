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

interface SavedWorkflow {
  id: string;
  name: string;
  version: number;
  tags: string[];
  nodes: { id: string; name: string; webhookId?: string }[];
  edges: unknown[];
  pinData?: Record<string, unknown>;
  warnings?: { code: string; nodeId?: string }[];
}
interface VersionPage {
  items: { version: number; createdAt: string; name: string; nodeCount: number; current: boolean }[];
  nextCursor: string | null;
}

async function saveThreeVersions() {
  const ada = await signUp();
  const created = await ada.fetch("/api/workflows", {
    method: "POST",
    json: { name: "History", nodes: [webhookNode("w1", "Hook")], edges: [] },
  });
  const v1 = (await created.json()) as SavedWorkflow;
  const put = async (doc: unknown) =>
    (await (
      await ada.fetch(`/api/workflows/${v1.id}`, { method: "PUT", json: doc })
    ).json()) as SavedWorkflow;
  await put({ name: "History", nodes: [webhookNode("w1", "Hook"), manualNode()], edges: [] });
  const v3 = await put({ name: "History", nodes: [manualNode()], edges: [], tags: ["ops"] });
  return { ada, id: v1.id, hookId: v1.nodes[0].webhookId!, v3 };
}

describe("GET /api/workflows/:id/versions", () => {
  it("lists versions newest first, paged, marking the current one", async () => {
    const { ada, id } = await saveThreeVersions();
    const first = (await (await ada.fetch(`/api/workflows/${id}/versions?limit=2`)).json()) as VersionPage;
    expect(first.items.map((v) => [v.version, v.nodeCount, v.current])).toEqual([
      [3, 1, true],
      [2, 2, false],
    ]);
    expect(first.items[0]).toMatchObject({ name: "History", createdAt: expect.stringMatching(/^\d{4}-/) });
    const rest = (await (
      await ada.fetch(`/api/workflows/${id}/versions?limit=2&cursor=${first.nextCursor}`)
    ).json()) as VersionPage;
    expect(rest.items.map((v) => v.version)).toEqual([1]);
    expect(rest.nextCursor).toBeNull();
    expect((await ada.fetch(`/api/workflows/${id}/versions?cursor=nonsense`)).status).toBe(400);

    const eve = await signUp();
    expect((await eve.fetch(`/api/workflows/${id}/versions`)).status).toBe(404);
  });
});

describe("POST /api/workflows/:id/versions/:version/restore", () => {
  it("saves that version's graph as a new version, keeping webhook ids, name and tags", async () => {
    const { ada, id, hookId } = await saveThreeVersions();
    const res = await ada.fetch(`/api/workflows/${id}/versions/1/restore`, { method: "POST" });
    expect(res.status).toBe(200);
    const restored = (await res.json()) as SavedWorkflow;
    expect(restored.version).toBe(4);
    expect(restored.nodes.map((n) => n.id)).toEqual(["w1"]);
    // The webhook's URL from version 1 answers again: the id came back with its node.
    expect(restored.nodes[0].webhookId).toBe(hookId);
    expect(restored.tags).toEqual(["ops"]);
    const list = (await (await ada.fetch(`/api/workflows/${id}/versions`)).json()) as VersionPage;
    expect(list.items[0]).toMatchObject({ version: 4, current: true, nodeCount: 1 });
    expect(list.items).toHaveLength(4);
  });

  it("drops pins of nodes the restored version does not have, with a warning", async () => {
    const { ada, id } = await saveThreeVersions();
    const pinned = await ada.fetch(`/api/workflows/${id}`, {
      method: "PUT",
      json: { name: "History", nodes: [manualNode()], edges: [], pinData: { m1: { n: 1 } } },
    });
    expect(((await pinned.json()) as SavedWorkflow).pinData).toEqual({ m1: { n: 1 } });
    const res = await ada.fetch(`/api/workflows/${id}/versions/1/restore`, { method: "POST" });
    const restored = (await res.json()) as SavedWorkflow;
    expect(restored.pinData).toBeUndefined();
    expect(restored.warnings).toEqual([expect.objectContaining({ code: "pin_dropped", nodeId: "m1" })]);
  });

  it("answers 404 for another user's workflow or a version that does not exist, changing nothing", async () => {
    const { ada, id } = await saveThreeVersions();
    const eve = await signUp();
    const stolen = await eve.fetch(`/api/workflows/${id}/versions/1/restore`, { method: "POST" });
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await ada.fetch(`/api/workflows/${id}/versions/99/restore`, { method: "POST" })).status).toBe(
      404,
    );
    const now = (await (await ada.fetch(`/api/workflows/${id}`)).json()) as SavedWorkflow;
    expect(now.version).toBe(3);
  });
});
