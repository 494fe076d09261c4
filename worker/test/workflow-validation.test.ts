/**
 * Every way a save can be refused: the status, the error code, details naming the node and field,
 * and proof that nothing was written (version and document unchanged, no new workflow).
 */
import { describe, expect, it } from "vitest";
import { signUp, type TestUser } from "./helpers";
import { sampleDocument, scheduleNode, webhookNode } from "./workflow-fixtures";

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>[] };
}

async function setup() {
  const user = await signUp();
  const res = await user.fetch("/api/workflows", { method: "POST", json: sampleDocument("Original") });
  const wf = (await res.json()) as { id: string; version: number };
  const before = await (await user.fetch(`/api/workflows/${wf.id}`)).text();
  return { user, id: wf.id, before };
}

/** PUTs `body` and POSTs it as a new workflow; both must fail the same way and change nothing. */
async function expectRefused(
  ctx: { user: TestUser; id: string; before: string },
  body: unknown,
  status: number,
  code: string,
  init: RequestInit = {},
): Promise<ErrorBody> {
  const send = (path: string, method: string) =>
    ctx.user.fetch(
      path,
      typeof body === "string"
        ? { method, body, headers: { "content-type": "application/json" }, ...init }
        : { method, json: body, ...init },
    );
  const put = await send(`/api/workflows/${ctx.id}`, "PUT");
  expect(put.status).toBe(status);
  const err = (await put.json()) as ErrorBody;
  expect(err.error.code).toBe(code);

  const post = await send("/api/workflows", "POST");
  expect(post.status).toBe(status);
  expect(((await post.json()) as ErrorBody).error.code).toBe(code);

  expect(await (await ctx.user.fetch(`/api/workflows/${ctx.id}`)).text()).toBe(ctx.before);
  const list = (await (await ctx.user.fetch("/api/workflows")).json()) as { items: unknown[] };
  expect(list.items).toHaveLength(1);
  return err;
}

describe("refused saves change nothing", () => {
  it("400 invalid_json for a body that is not JSON", async () => {
    const ctx = await setup();
    await expectRefused(ctx, '{"name": "broken",', 400, "invalid_json");
  });

  it("415 unsupported_media_type when the body is not sent as JSON", async () => {
    const ctx = await setup();
    const res = await ctx.user.fetch(`/api/workflows/${ctx.id}`, {
      method: "PUT",
      body: "name=x",
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as ErrorBody).error.code).toBe("unsupported_media_type");
    expect(await (await ctx.user.fetch(`/api/workflows/${ctx.id}`)).text()).toBe(ctx.before);
  });

  it("413 payload_too_large over 1 MiB", async () => {
    const ctx = await setup();
    const big = {
      ...sampleDocument(),
      nodes: [
        {
          ...webhookNode(),
          parameters: { method: "POST", respond: "immediately", pad: "x".repeat(1100 * 1024) },
        },
      ],
    };
    await expectRefused(ctx, big, 413, "payload_too_large");
  });

  it("422 for a document of the wrong shape, naming node and field", async () => {
    const ctx = await setup();
    const err = await expectRefused(
      ctx,
      { name: "x", nodes: [{ ...webhookNode(), position: { x: "left", y: 0 } }] },
      422,
      "invalid_workflow",
    );
    expect(err.error.details).toEqual([
      expect.objectContaining({ nodeId: "n1", nodeName: "Webhook", field: "position.x" }),
    ]);
    const noName = await expectRefused(ctx, { nodes: [] }, 422, "invalid_workflow");
    expect(noName.error.details).toEqual([
      expect.objectContaining({ code: "invalid_document", field: "name" }),
    ]);
  });

  it("422 duplicate node ids and duplicate names", async () => {
    const ctx = await setup();
    const ids = await expectRefused(
      ctx,
      { name: "x", nodes: [webhookNode("a", "One"), webhookNode("a", "Two")] },
      422,
      "invalid_workflow",
    );
    expect(ids.error.details).toContainEqual(
      expect.objectContaining({ code: "duplicate_node_id", nodeId: "a", nodeName: "Two", field: "id" }),
    );
    const names = await expectRefused(
      ctx,
      { name: "x", nodes: [webhookNode("a", "Same"), webhookNode("b", "Same")] },
      422,
      "invalid_workflow",
    );
    expect(names.error.details).toContainEqual(
      expect.objectContaining({ code: "duplicate_node_name", nodeId: "b", nodeName: "Same", field: "name" }),
    );
  });

  it("422 for an edge to a node that does not exist", async () => {
    const ctx = await setup();
    const err = await expectRefused(
      ctx,
      { ...sampleDocument(), edges: [{ id: "e1", source: "n1", target: "ghost" }] },
      422,
      "invalid_workflow",
    );
    expect(err.error.details).toContainEqual(
      expect.objectContaining({ code: "dangling_edge", edgeId: "e1", field: "target" }),
    );
  });

  it("422 for an output handle the source node does not have", async () => {
    const ctx = await setup();
    const err = await expectRefused(
      ctx,
      { ...sampleDocument(), edges: [{ id: "e1", source: "n1", target: "s1", sourceHandle: "true" }] },
      422,
      "invalid_workflow",
    );
    expect(err.error.details).toContainEqual(
      expect.objectContaining({
        code: "invalid_handle",
        edgeId: "e1",
        nodeId: "n1",
        nodeName: "Webhook",
        field: "sourceHandle",
      }),
    );
  });

  it("422 for a cycle, naming the nodes on it", async () => {
    const ctx = await setup();
    const edges = [
      { id: "e1", source: "n1", target: "s1" },
      { id: "e2", source: "s1", target: "n1" },
    ];
    const err = await expectRefused(ctx, { ...sampleDocument(), edges }, 422, "invalid_workflow");
    expect(err.error.details).toContainEqual(
      expect.objectContaining({ code: "cycle", nodeId: "n1", nodeName: "Webhook" }),
    );
    expect(err.error.details).toContainEqual(
      expect.objectContaining({ code: "cycle", nodeId: "s1", nodeName: "Every hour" }),
    );
  });

  it("422 for an edge into a trigger", async () => {
    const ctx = await setup();
    const err = await expectRefused(
      ctx,
      { ...sampleDocument(), edges: [{ id: "e1", source: "n1", target: "s1" }] },
      422,
      "invalid_workflow",
    );
    expect(err.error.details).toContainEqual(
      expect.objectContaining({ code: "edge_into_trigger", edgeId: "e1", nodeId: "s1" }),
    );
  });

  it("422 for an unknown node type, and for nodes without any trigger", async () => {
    const ctx = await setup();
    const err = await expectRefused(
      ctx,
      { name: "x", nodes: [{ id: "z", type: "teleport", name: "Beam", parameters: {} }] },
      422,
      "invalid_workflow",
    );
    expect(err.error.details).toEqual([
      expect.objectContaining({ code: "unknown_node_type", nodeId: "z", nodeName: "Beam", field: "type" }),
      expect.objectContaining({ code: "no_trigger" }),
    ]);
  });

  it("422 for parameters invalid for the node's type, naming node and parameter", async () => {
    const ctx = await setup();
    const badCron = {
      name: "x",
      nodes: [
        webhookNode(),
        { ...scheduleNode(), parameters: { cron: "every day", timezone: "Mars/Olympus" } },
      ],
    };
    const err = await expectRefused(ctx, badCron, 422, "invalid_workflow");
    expect(err.error.details).toEqual([
      expect.objectContaining({
        code: "invalid_parameter",
        nodeId: "s1",
        nodeName: "Every hour",
        field: "parameters.cron",
      }),
      expect.objectContaining({
        code: "invalid_parameter",
        nodeId: "s1",
        nodeName: "Every hour",
        field: "parameters.timezone",
      }),
    ]);
    const badMethod = { name: "x", nodes: [{ ...webhookNode(), parameters: { method: "BREW" } }] };
    const err2 = await expectRefused(ctx, badMethod, 422, "invalid_workflow");
    expect(err2.error.details).toEqual([
      expect.objectContaining({ nodeId: "n1", field: "parameters.method" }),
    ]);
  });

  it("import validates the same way", async () => {
    const ctx = await setup();
    const res = await ctx.user.fetch("/api/workflows/import", {
      method: "POST",
      json: { name: "x", nodes: [webhookNode("a"), webhookNode("a")] },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorBody).error.code).toBe("invalid_workflow");
    expect(
      ((await (await ctx.user.fetch("/api/workflows")).json()) as { items: unknown[] }).items,
    ).toHaveLength(1);
  });
});

describe("credentialId", () => {
  it("422 when it names no credential, naming the node; nothing written", async () => {
    const ctx = await setup();
    const doc = { name: "x", nodes: [{ ...webhookNode(), credentialId: "does-not-exist" }] };
    const err = await expectRefused(ctx, doc, 422, "invalid_workflow");
    expect(err.error.details).toEqual([
      expect.objectContaining({
        code: "unknown_credential",
        nodeId: "n1",
        nodeName: "Webhook",
        field: "credentialId",
      }),
    ]);
  });
});
