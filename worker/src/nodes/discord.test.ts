import { describe, expect, it } from "vitest";
import { fakeSession } from "../../test/fakes/fake-http";
import { runContext } from "../../test/fakes/run-context";
import { discord } from "./discord";

describe("discord node", () => {
  it("posts { content, username } to the channel webhook from the credential", async () => {
    const fake = await fakeSession([{ status: 204 }]);
    const url = `${fake.baseUrl}/api/webhooks/123/abc`;
    const result = await discord.run(
      runContext(
        discord,
        { content: "New order #42", username: "Nodebase" },
        { credential: { type: "discordWebhook", data: { url } } },
      ),
    );

    const [request] = await fake.requests();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/api/webhooks/123/abc");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ content: "New order #42", username: "Nodebase" });
    expect(result.output).toEqual({ ok: true, status: 204 });
  });

  it("leaves username out when not set", async () => {
    const fake = await fakeSession([{ status: 204 }]);
    await discord.run(
      runContext(
        discord,
        { content: "hi" },
        { credential: { type: "discordWebhook", data: { url: fake.baseUrl } } },
      ),
    );
    const [request] = await fake.requests();
    expect(JSON.parse(request.body)).toEqual({ content: "hi" });
  });

  it("makes one call per attempt (idempotent: false): a 429 goes to the node's retry policy", async () => {
    expect(discord.idempotent).toBe(false);
    const fake = await fakeSession([
      {
        status: 429,
        headers: { "retry-after": "0" },
        body: { message: "You are being rate limited.", retry_after: 0 },
      },
      { status: 404, body: { message: "Unknown Webhook", code: 10015 } },
    ]);
    const run = discord.run(
      runContext(
        discord,
        { content: "hi" },
        { credential: { type: "discordWebhook", data: { url: fake.baseUrl } } },
      ),
    );
    await expect(run).rejects.toThrow("Discord answered 429: You are being rate limited.");
    expect(await fake.requests()).toHaveLength(1);
  });

  it("refuses a credential without a URL", async () => {
    const run = discord.run(
      runContext(discord, { content: "hi" }, { credential: { type: "discordWebhook", data: {} } }),
    );
    await expect(run).rejects.toThrow("Discord credential must hold the incoming-webhook url");
  });
});
