import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUp } from "../../test/helpers";
import { getDb } from "./db";
import {
  createWorkflow,
  getWorkflow,
  getWorkflowSnapshot,
  replaceWorkflow,
  UnknownCredential,
  VersionConflict,
} from "./workflows";

const trigger = (id: string, name: string) => ({
  id,
  type: "manualTrigger",
  name,
  position: { x: 0, y: 0 },
  parameters: {},
});

describe("workflow storage", () => {
  it("writes a snapshot per save and a stale save rolls back entirely", async () => {
    const { userId } = await signUp();
    const db = getDb(env.DB);
    const id = await createWorkflow(db, userId, { name: "v1", nodes: [trigger("a", "A")], edges: [] });
    expect(
      await replaceWorkflow(db, userId, id, 1, { name: "v2", nodes: [trigger("b", "B")], edges: [] }),
    ).toBe(2);

    // A writer that read version 1 before the save above: its batch must change nothing at all.
    await expect(
      replaceWorkflow(db, userId, id, 1, { name: "stale", nodes: [trigger("c", "C")], edges: [] }),
    ).rejects.toBeInstanceOf(VersionConflict);
    const current = await getWorkflow(db, userId, id);
    expect(current).toMatchObject({ name: "v2", version: 2 });
    expect(current!.nodes.map((n) => n.id)).toEqual(["b"]);

    expect((await getWorkflowSnapshot(db, userId, id, 1))!.document).toMatchObject({ name: "v1" });
    expect((await getWorkflowSnapshot(db, userId, id))!).toMatchObject({
      version: 2,
      document: { name: "v2" },
    });
    const other = await signUp();
    expect(await getWorkflowSnapshot(db, other.userId, id)).toBeUndefined();
  });

  it("splits large graphs into statements within D1's 100-parameter limit", async () => {
    const { userId } = await signUp();
    const db = getDb(env.DB);
    const nodes = Array.from({ length: 60 }, (_, i) => trigger(`n${i}`, `Node ${i}`));
    const id = await createWorkflow(db, userId, { name: "big", nodes, edges: [] });
    expect((await getWorkflow(db, userId, id))!.nodes.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
  });

  it("refuses a credentialId that names no credential, writing nothing", async () => {
    const { userId } = await signUp();
    const db = getDb(env.DB);
    const id = await createWorkflow(db, userId, { name: "ok", nodes: [trigger("a", "A")], edges: [] });
    const bad = { name: "bad", nodes: [{ ...trigger("a", "A"), credentialId: "missing" }], edges: [] };
    await expect(replaceWorkflow(db, userId, id, 1, bad)).rejects.toBeInstanceOf(UnknownCredential);
    expect(await getWorkflow(db, userId, id)).toMatchObject({ name: "ok", version: 1 });
  });
});
