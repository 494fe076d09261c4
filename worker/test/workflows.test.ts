import { describe, expect, it } from "vitest";
import { call, signUp, type TestUser } from "./helpers";
import { manualNode, sampleDocument, scheduleNode, webhookNode } from "./workflow-fixtures";

interface Workflow {
  id: string;
  name: string;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  nodes: {
    id: string;
    type: string;
    name: string;
    webhookId?: string;
    parameters: Record<string, unknown>;
  }[];
  edges: { id: string; source: string; target: string; sourceHandle: string }[];
}

async function create(user: TestUser, doc: unknown = sampleDocument()): Promise<Workflow> {
  const res = await user.fetch("/api/workflows", { method: "POST", json: doc });
  expect(res.status).toBe(201);
  return (await res.json()) as Workflow;
}

describe("workflows CRUD", () => {
  it("creates at version 1 and gets the same document back", async () => {
    const user = await signUp();
    const wf = await create(user);
    expect(wf).toMatchObject({ name: "Sample", active: false, version: 1 });
    expect(wf.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(wf.nodes.map((n) => n.id)).toEqual(["n1", "s1"]);
    expect(wf.nodes[1]).toEqual({ ...scheduleNode() });
    const got = await user.fetch(`/api/workflows/${wf.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(wf);
  });

  it("creates an empty draft from just a name", async () => {
    const user = await signUp();
    const wf = await create(user, { name: "Draft" });
    expect(wf).toMatchObject({ name: "Draft", nodes: [], edges: [], version: 1 });
  });

  it("lists own workflows, most recently changed first, with paging", async () => {
    const user = await signUp();
    const a = await create(user, { name: "A" });
    const b = await create(user, { name: "B" });
    const c = await create(user, { name: "C" });
    await user.fetch(`/api/workflows/${a.id}`, { method: "PUT", json: { name: "A2" } });
    const first = (await (await user.fetch("/api/workflows?limit=2")).json()) as {
      items: Workflow[];
      nextCursor: string;
    };
    expect(first.items.map((w) => w.name)).toEqual(["A2", "C"]);
    expect(first.items[0]).not.toHaveProperty("nodes");
    const rest = (await (await user.fetch(`/api/workflows?limit=2&cursor=${first.nextCursor}`)).json()) as {
      items: Workflow[];
      nextCursor: string | null;
    };
    expect(rest.items.map((w) => w.id)).toEqual([b.id]);
    expect(rest.nextCursor).toBeNull();
    expect(c.id).toBeTruthy();
  });

  it("replaces the whole document with PUT and bumps the version", async () => {
    const user = await signUp();
    const wf = await create(user);
    const res = await user.fetch(`/api/workflows/${wf.id}`, {
      method: "PUT",
      json: { name: "Renamed", nodes: [manualNode()], edges: [] },
    });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as Workflow;
    expect(saved).toMatchObject({ id: wf.id, name: "Renamed", version: 2 });
    expect(saved.nodes.map((n) => n.id)).toEqual(["m1"]);
  });

  it("deletes: 204, then 404", async () => {
    const user = await signUp();
    const wf = await create(user);
    expect((await user.fetch(`/api/workflows/${wf.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await user.fetch(`/api/workflows/${wf.id}`)).status).toBe(404);
    expect((await user.fetch(`/api/workflows/${wf.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("works with the session cookie as well as the API key", async () => {
    const user = await signUp();
    const wf = await create(user);
    const res = await call(`/api/workflows/${wf.id}`, { headers: { cookie: user.cookie } });
    expect(res.status).toBe(200);
  });
});

describe("webhook ids", () => {
  it("assigns an unguessable webhookId to URL triggers only, and keeps it across saves", async () => {
    const user = await signUp();
    const wf = await create(user);
    const hook = wf.nodes.find((n) => n.id === "n1")!;
    expect(hook.webhookId).toMatch(/^[\w-]{22}$/);
    expect(wf.nodes.find((n) => n.id === "s1")!.webhookId).toBeUndefined();

    const renamed = {
      ...sampleDocument("Again"),
      nodes: [{ ...webhookNode(), name: "Hook renamed" }, scheduleNode()],
    };
    const saved = (await (
      await user.fetch(`/api/workflows/${wf.id}`, { method: "PUT", json: renamed })
    ).json()) as Workflow;
    expect(saved.nodes.find((n) => n.id === "n1")!.webhookId).toBe(hook.webhookId);

    // A new node id gets a new webhookId, even when the client sends an existing one.
    const other = await create(user);
    const stolen = { name: "x", nodes: [{ ...webhookNode("n9"), webhookId: other.nodes[0].webhookId }] };
    const res = await user.fetch(`/api/workflows/${wf.id}`, { method: "PUT", json: stolen });
    const after = (await res.json()) as Workflow;
    expect(after.nodes[0].webhookId).toMatch(/^[\w-]{22}$/);
    expect(after.nodes[0].webhookId).not.toBe(other.nodes[0].webhookId);
    expect(after.nodes[0].webhookId).not.toBe(hook.webhookId);
  });

  it("ignores a client-sent webhookId on create", async () => {
    const user = await signUp();
    const wf = await create(user, {
      name: "x",
      nodes: [{ ...webhookNode(), webhookId: "chosen-by-client" }],
    });
    expect(wf.nodes[0].webhookId).not.toBe("chosen-by-client");
  });
});

describe("activation", () => {
  it("activates and deactivates a workflow with a trigger", async () => {
    const user = await signUp();
    const wf = await create(user);
    const on = await user.fetch(`/api/workflows/${wf.id}/activate`, { method: "POST" });
    expect(on.status).toBe(200);
    expect(((await on.json()) as Workflow).active).toBe(true);
    const off = await user.fetch(`/api/workflows/${wf.id}/deactivate`, { method: "POST" });
    expect(((await off.json()) as Workflow).active).toBe(false);
  });

  it("refuses to activate a workflow without a trigger (422) and leaves it inactive", async () => {
    const user = await signUp();
    const wf = await create(user, { name: "Empty" });
    const res = await user.fetch(`/api/workflows/${wf.id}/activate`, { method: "POST" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_trigger");
    expect(((await (await user.fetch(`/api/workflows/${wf.id}`)).json()) as Workflow).active).toBe(false);
  });
});

describe("export and import", () => {
  it("round-trips: a new workflow with new ids and new webhookIds, same graph", async () => {
    const user = await signUp();
    const wf = await create(user);
    const res = await user.fetch(`/api/workflows/${wf.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="Sample.json"');
    const file = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(file).sort()).toEqual(["edges", "name", "nodes", "settings", "tags"]);
    expect(JSON.stringify(file)).not.toContain(wf.nodes[0].webhookId!);

    const imported = await user.fetch("/api/workflows/import", { method: "POST", json: file });
    expect(imported.status).toBe(201);
    const copy = (await imported.json()) as Workflow;
    expect(copy.id).not.toBe(wf.id);
    expect(copy).toMatchObject({ name: "Sample", version: 1, active: false });
    expect(copy.nodes.map(({ webhookId: _w, ...n }) => n)).toEqual(
      wf.nodes.map(({ webhookId: _w, ...n }) => n),
    );
    expect(copy.nodes[0].webhookId).toMatch(/^[\w-]{22}$/);
    expect(copy.nodes[0].webhookId).not.toBe(wf.nodes[0].webhookId);
  });

  it("imports into another account", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const wf = await create(alice);
    const file = await (await alice.fetch(`/api/workflows/${wf.id}/export`)).json();
    const res = await bob.fetch("/api/workflows/import", { method: "POST", json: file });
    expect(res.status).toBe(201);
    const list = (await (await bob.fetch("/api/workflows")).json()) as { items: Workflow[] };
    expect(list.items).toHaveLength(1);
  });
});
