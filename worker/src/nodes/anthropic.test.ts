import { describe, expect, it } from "vitest";
import { fakeSession } from "../../test/fakes/fake-http";
import { runContext } from "../../test/fakes/run-context";
import { aiProviderCases } from "../../test/fakes/ai-node-cases";
import { anthropic } from "./anthropic";

const message = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content: [
    { type: "text", text: "Bon" },
    { type: "text", text: "jour" },
  ],
  stop_reason: "end_turn",
  usage: { input_tokens: 20, output_tokens: 4 },
};

describe("anthropic node", () => {
  it("sends a Messages API request with the system prompt at the top level", async () => {
    const fake = await fakeSession([{ status: 200, body: message }]);
    const result = await anthropic.run(
      runContext(
        anthropic,
        {
          model: "claude-sonnet-4-5",
          system: "Translate to French",
          prompt: "Hello",
          temperature: 0,
          maxTokens: 200,
        },
        { credential: { type: "anthropic", data: { apiKey: "sk-ant-test", baseUrl: fake.baseUrl } } },
      ),
    );

    const [request] = await fake.requests();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/messages");
    expect(request.headers["x-api-key"]).toBe("sk-ant-test");
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body)).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      system: "Translate to French",
      messages: [{ role: "user", content: "Hello" }],
      temperature: 0,
    });
    expect(result.output).toEqual({
      text: "Bonjour",
      usage: { inputTokens: 20, outputTokens: 4, totalTokens: 24 },
      raw: message,
    });
  });

  it("always sends max_tokens, which the API requires", async () => {
    const fake = await fakeSession([{ status: 200, body: message }]);
    await anthropic.run(
      runContext(
        anthropic,
        { prompt: "Hi" },
        { credential: { type: "anthropic", data: { apiKey: "k", baseUrl: fake.baseUrl } } },
      ),
    );
    const [request] = await fake.requests();
    expect(JSON.parse(request.body)).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      messages: [{ role: "user", content: "Hi" }],
    });
  });

  it("retries an overloaded 529 and surfaces the provider's message when it keeps failing", async () => {
    const fake = await fakeSession([
      {
        status: 529,
        headers: { "retry-after": "0" },
        body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      },
    ]);
    const run = anthropic.run(
      runContext(
        anthropic,
        { prompt: "Hi" },
        { credential: { type: "anthropic", data: { apiKey: "k", baseUrl: fake.baseUrl } } },
      ),
    );
    await expect(run).rejects.toThrow("Anthropic answered 529: Overloaded");
    expect(await fake.requests()).toHaveLength(3);
  });

  aiProviderCases({
    node: anthropic,
    service: "Anthropic",
    answer: message,
    text: "Bonjour",
    keyRejected: {
      status: 401,
      body: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } },
      message: "invalid x-api-key",
    },
    path: "/v1/messages",
    versionSuffix: "/v1",
  });
});
