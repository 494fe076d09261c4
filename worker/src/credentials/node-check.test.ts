import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../storage/db";
import { keyringFromEnv } from "./cipher";
import { checkNodeCredentials } from "./node-check";
import { createCredential } from "./vault";
import { insertUser } from "../../test/db-user";

describe("checkNodeCredentials", () => {
  it("accepts the user's credential of a type the node takes, refuses anything else by node", async () => {
    const db = getDb(env.DB);
    const keyring = await keyringFromEnv(env);
    const owner = await insertUser();
    const other = await insertUser();
    const auth = await createCredential(db, keyring, owner, {
      name: "Hook auth",
      type: "webhookAuth",
      data: { hmacSecret: "hmac-secret-1" },
    });
    const bearer = await createCredential(db, keyring, owner, {
      name: "Bearer",
      type: "httpBearerAuth",
      data: { token: "tok-1" },
    });
    const foreign = await createCredential(db, keyring, other, {
      name: "Theirs",
      type: "webhookAuth",
      data: { hmacSecret: "hmac-secret-2" },
    });
    const nodes = [
      { id: "n1", name: "Hook", type: "webhookTrigger", credentialId: auth.id },
      { id: "n2", name: "Wrong type", type: "webhookTrigger", credentialId: bearer.id },
      { id: "n3", name: "Not mine", type: "webhookTrigger", credentialId: foreign.id },
      { id: "n4", name: "No credential", type: "manualTrigger", credentialId: auth.id },
      { id: "n5", name: "Plain", type: "manualTrigger", credentialId: null },
    ];
    expect(await checkNodeCredentials(db, owner, nodes)).toEqual([
      {
        code: "credential_type_mismatch",
        nodeId: "n2",
        nodeName: "Wrong type",
        credentialId: bearer.id,
        message:
          'Node "Wrong type": credential "Bearer" is of type httpBearerAuth, but a webhookTrigger node takes webhookAuth',
      },
      {
        code: "unknown_credential",
        nodeId: "n3",
        nodeName: "Not mine",
        credentialId: foreign.id,
        message: `Node "Not mine": credential ${foreign.id} not found`,
      },
      {
        code: "credential_not_accepted",
        nodeId: "n4",
        nodeName: "No credential",
        credentialId: auth.id,
        message: 'Node "No credential": a manualTrigger node takes no credential',
      },
    ]);
    expect(await checkNodeCredentials(db, other, [nodes[2]])).toEqual([]);
  });
});
