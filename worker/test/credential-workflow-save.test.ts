/**
 * Saving a workflow checks its nodes' credentials: another user's credential, or one of a type the node
 * does not take, is a 422 naming the node, and nothing is written.
 */
import { describe, expect, it } from "vitest";
import { signUp, type TestUser } from "./helpers";

async function credentialOf(user: TestUser, type: string, data: Record<string, unknown>) {
  const res = await user.fetch("/api/credentials", { method: "POST", json: { name: type, type, data } });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

const doc = (credentialId: string) => ({
  name: "Protected hook",
  nodes: [
    {
      id: "n1",
      type: "webhookTrigger",
      name: "Webhook",
      position: { x: 0, y: 0 },
      parameters: { method: "POST", respond: "immediately" },
      credentialId,
    },
  ],
  edges: [],
});

describe("workflow save and credentials", () => {
  it("accepts the user's own credential of the right type", async () => {
    const user = await signUp();
    const auth = await credentialOf(user, "webhookAuth", { header: "X-Token", value: "hook-secret-1" });
    const res = await user.fetch("/api/workflows", { method: "POST", json: doc(auth) });
    expect(res.status).toBe(201);
    const saved = await res.json<any>();
    expect(saved.nodes[0].credentialId).toBe(auth);
    const put = await user.fetch(`/api/workflows/${saved.id}`, { method: "PUT", json: doc(auth) });
    expect(put.status).toBe(200);
  });

  it("refuses a credential of the wrong type or of another user, naming the node", async () => {
    const user = await signUp();
    const other = await signUp();
    const bearer = await credentialOf(user, "httpBearerAuth", { token: "tok-wrong-type" });
    const foreign = await credentialOf(other, "webhookAuth", { hmacSecret: "their-hmac-secret" });
    for (const [credentialId, message] of [
      [
        bearer,
        /Node "Webhook": credential "httpBearerAuth" is of type httpBearerAuth, but a webhookTrigger node takes webhookAuth/,
      ],
      [foreign, new RegExp(`Node "Webhook": credential ${foreign} not found`)],
    ] as const) {
      const res = await user.fetch("/api/workflows", { method: "POST", json: doc(credentialId) });
      expect(res.status).toBe(422);
      const body = await res.json<any>();
      expect(body.error.code).toBe("invalid_workflow");
      expect(body.error.message).toMatch(message);
      expect(body.error.details).toEqual([
        expect.objectContaining({ nodeId: "n1", nodeName: "Webhook", field: "credentialId" }),
      ]);
    }
    expect((await (await user.fetch("/api/workflows")).json<any>()).items).toEqual([]);

    // Replacing a saved workflow is checked the same way and leaves it unchanged.
    const own = await credentialOf(user, "webhookAuth", { hmacSecret: "own-hmac-secret" });
    const saved = await (await user.fetch("/api/workflows", { method: "POST", json: doc(own) })).json<any>();
    const put = await user.fetch(`/api/workflows/${saved.id}`, { method: "PUT", json: doc(foreign) });
    expect(put.status).toBe(422);
    const after = await (await user.fetch(`/api/workflows/${saved.id}`)).json<any>();
    expect(after).toMatchObject({ version: saved.version, nodes: [{ credentialId: own }] });
  });
});
