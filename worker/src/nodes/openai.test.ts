import { describe, expect, it } from "vitest";
import { fakeSession } from "../../test/fakes/fake-http";
import { runContext } from "../../test/fakes/run-context";
import { aiProviderCases } from "../../test/fakes/ai-node-cases";
import { openai } from "./openai";

const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: "Bonjour" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
};

describe("openai node", () => {
  it("sends a chat completion request and outputs text, usage and the raw answer", async () => {
    const fake = await fakeSession([{ status: 200, body: completion }]);
    const ctx = runContext(
      openai,
      {
        model: "gpt-4o-mini",
        system: "Translate to French",
        prompt: "Hello",
        temperature: 0.2,
        maxTokens: 50,
      },
      { credential: { type: "openai", data: { apiKey: "sk-test-123", baseUrl: `${fake.baseUrl}/v1/` } } },
    );
    const result = await openai.run(ctx);

    const [request] = await fake.requests();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-test-123");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Translate to French" },
        { role: "user", content: "Hello" },
      ],
      temperature: 0.2,
      max_completion_tokens: 50,
    });
    expect(result.output).toEqual({
      text: "Bonjour",
      usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
      raw: completion,
    });
  });

  it("leaves out the system message and optional settings when empty", async () => {
    const fake = await fakeSession([{ status: 200, body: completion }]);
    await openai.run(
      runContext(
        openai,
        { prompt: "Hi" },
        { credential: { type: "openai", data: { apiKey: "k", baseUrl: fake.baseUrl } } },
      ),
    );
    const [request] = await fake.requests();
    expect(JSON.parse(request.body)).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
    });
  });

  aiProviderCases({
    node: openai,
    service: "OpenAI",
    answer: completion,
    text: "Bonjour",
    keyRejected: {
      status: 401,
      body: { error: { message: "Incorrect API key provided", type: "invalid_request_error" } },
      message: "Incorrect API key provided",
    },
    path: "/v1/chat/completions",
    versionSuffix: "/v1",
  });
});
