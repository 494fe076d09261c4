import { describe, expect, it } from "vitest";
import { fakeSession } from "../../test/fakes/fake-http";
import { runContext } from "../../test/fakes/run-context";
import { slack } from "./slack";

describe("slack node", () => {
  it("posts { text } to the incoming-webhook URL from the credential", async () => {
    const fake = await fakeSession([{ status: 200, body: "ok" }]);
    const url = `${fake.baseUrl}/services/T000/B000/XXXX`;
    const result = await slack.run(
      runContext(
        slack,
        { content: "Deploy done :rocket:" },
        { credential: { type: "slackWebhook", data: { url } } },
      ),
    );

    const [request] = await fake.requests();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/services/T000/B000/XXXX");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ text: "Deploy done :rocket:" });
    expect(result.output).toEqual({ ok: true, status: 200 });
  });

  it("makes one call per attempt (idempotent: false): a 429 goes to the node's retry policy", async () => {
    expect(slack.idempotent).toBe(false);
    const fake = await fakeSession([
      { status: 429, headers: { "retry-after": "0" }, body: "rate_limited" },
      { status: 200, body: "ok" },
    ]);
    const run = slack.run(
      runContext(
        slack,
        { content: "hi" },
        { credential: { type: "slackWebhook", data: { url: fake.baseUrl } } },
      ),
    );
    // Retryable (not a NonRetryableError): the step's policy runs the node again, durably.
    await expect(run).rejects.toMatchObject({ status: 429, retryable: true });
    expect(await fake.requests()).toHaveLength(1);
  });

  it("fails with Slack's own error text", async () => {
    const fake = await fakeSession([{ status: 403, body: "invalid_token" }]);
    const run = slack.run(
      runContext(
        slack,
        { content: "hi" },
        { credential: { type: "slackWebhook", data: { url: fake.baseUrl } } },
      ),
    );
    await expect(run).rejects.toThrow("Slack answered 403: invalid_token");
  });
});
