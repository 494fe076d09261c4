import { describe, expect, it } from "vitest";
import { signUp, type TestUser } from "./helpers";
import { manualNode, webhookNode } from "./workflow-fixtures";

interface Saved {
  id: string;
  name: string;
  active: boolean;
  version: number;
  tags: string[];
  nodes: { id: string; webhookId?: string }[];
  pinData?: Record<string, unknown>;
  warnings?: { code: string; nodeId?: string; message: string }[];
}

async function create(user: TestUser, doc: Record<string, unknown>) {
  const res = await user.fetch("/api/workflows", { method: "POST", json: { nodes: [], edges: [], ...doc } });
  expect(res.status).toBe(201);
  return (await res.json()) as Saved;
}

async function names(user: TestUser, query: string) {
  const res = await user.fetch(`/api/workflows?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Saved[] }).items.map((w) => w.name).sort();
}

describe("POST /api/workflows/:id/duplicate", () => {
  it("makes an inactive copy named '<name> (copy)' with new webhook ids, tags and pins", async () => {
    const ada = await signUp();
    const original = await create(ada, {
      name: "Orders",
      nodes: [webhookNode("w1", "Hook")],
      tags: ["shop"],
      pinData: { w1: { body: { n: 2 } } },
    });
    expect((await ada.fetch(`/api/workflows/${original.id}/activate`, { method: "POST" })).status).toBe(200);
    const res = await ada.fetch(`/api/workflows/${original.id}/duplicate`, { method: "POST" });
    expect(res.status).toBe(201);
    const copy = (await res.json()) as Saved;
    expect(copy).toMatchObject({ name: "Orders (copy)", active: false, version: 1, tags: ["shop"] });
    expect(copy.id).not.toBe(original.id);
    expect(copy.pinData).toEqual({ w1: { body: { n: 2 } } });
    expect(copy.nodes[0].webhookId).toEqual(expect.any(String));
    expect(copy.nodes[0].webhookId).not.toBe(original.nodes[0].webhookId);

    const eve = await signUp();
    expect((await eve.fetch(`/api/workflows/${original.id}/duplicate`, { method: "POST" })).status).toBe(404);
  });

  it("keeps a long name within 200 characters", async () => {
    const ada = await signUp();
    const original = await create(ada, { name: "x".repeat(200) });
    const copy = (await (
      await ada.fetch(`/api/workflows/${original.id}/duplicate`, { method: "POST" })
    ).json()) as Saved;
    expect(copy.name).toHaveLength(200);
    expect(copy.name.endsWith(" (copy)")).toBe(true);
  });
});

describe("tags and search", () => {
  it("filters the list by name substring and by tag, both case-insensitive, and combined", async () => {
    const ada = await signUp();
    await create(ada, { name: "Stripe → Slack", tags: ["billing", "Slack"] });
    await create(ada, { name: "Nightly report", tags: ["ops"] });
    await create(ada, { name: "Slack digest 50%", tags: ["ops", "slack"] });
    const eve = await signUp();
    await create(eve, { name: "Slack of Eve", tags: ["slack"] });

    expect(await names(ada, "search=slack")).toEqual(["Slack digest 50%", "Stripe → Slack"]);
    expect(await names(ada, "search=50%25")).toEqual(["Slack digest 50%"]);
    expect(await names(ada, "tag=OPS")).toEqual(["Nightly report", "Slack digest 50%"]);
    expect(await names(ada, "tag=slack&search=digest")).toEqual(["Slack digest 50%"]);
    expect(await names(ada, "tag=nothing")).toEqual([]);
    expect(await names(ada, "search=")).toHaveLength(3);
  });

  it("stores tags trimmed and without repeats; refuses more than 20 or over 50 characters", async () => {
    const ada = await signUp();
    const wf = await create(ada, { name: "T", tags: [" a ", "b", "a"] });
    expect(wf.tags).toEqual(["a", "b"]);
    const got = (await (await ada.fetch(`/api/workflows/${wf.id}`)).json()) as Saved;
    expect(got.tags).toEqual(["a", "b"]);

    for (const tags of [Array.from({ length: 21 }, (_, i) => `t${i}`), ["x".repeat(51)], [""]]) {
      const res = await ada.fetch(`/api/workflows/${wf.id}`, { method: "PUT", json: { name: "T", tags } });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("invalid_workflow");
      expect(body.error.message).toMatch(/tags/i);
    }
    const after = (await (await ada.fetch(`/api/workflows/${wf.id}`)).json()) as Saved;
    expect(after).toMatchObject({ version: 1, tags: ["a", "b"] });
  });
});

describe("pinData at save", () => {
  it("keeps pins of the document's nodes and drops unknown ones with a warning", async () => {
    const ada = await signUp();
    const wf = await create(ada, {
      name: "Pins",
      nodes: [manualNode()],
      pinData: { m1: [{ a: 1 }], ghost: { b: 2 } },
    });
    expect(wf.pinData).toEqual({ m1: [{ a: 1 }] });
    expect(wf.warnings).toEqual([
      { code: "pin_dropped", nodeId: "ghost", message: expect.stringContaining("ghost") },
    ]);
    const got = (await (await ada.fetch(`/api/workflows/${wf.id}`)).json()) as Saved;
    expect(got.pinData).toEqual({ m1: [{ a: 1 }] });
    expect(got.warnings).toBeUndefined();
    const exported = (await (await ada.fetch(`/api/workflows/${wf.id}/export`)).json()) as Saved;
    expect(exported.pinData).toEqual({ m1: [{ a: 1 }] });
    // PUT replaces the whole document: no pinData means no pins.
    const cleared = await ada.fetch(`/api/workflows/${wf.id}`, {
      method: "PUT",
      json: { name: "Pins", nodes: [manualNode()] },
    });
    expect(((await cleared.json()) as Saved).pinData).toBeUndefined();
  });
});
