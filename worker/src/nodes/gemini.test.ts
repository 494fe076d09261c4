import { describe, expect, it } from "vitest";
import { fakeSession } from "../../test/fakes/fake-http";
import { runContext } from "../../test/fakes/run-context";
import { aiProviderCases } from "../../test/fakes/ai-node-cases";
import { gemini } from "./gemini";

const generated = {
  candidates: [{ content: { role: "model", parts: [{ text: "Bonjour" }] }, finishReason: "STOP" }],
  usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2, totalTokenCount: 11 },
};

describe("gemini node", () => {
  it("sends generateContent with the key in a header and the system instruction", async () => {
    const fake = await fakeSession([{ status: 200, body: generated }]);
    const result = await gemini.run(
      runContext(
        gemini,
        {
          model: "models/gemini-2.5-flash",
          system: "Translate to French",
          prompt: "Hello",
          temperature: 1,
          maxTokens: 64,
        },
        { credential: { type: "gemini", data: { apiKey: "AIza-test", baseUrl: fake.baseUrl } } },
      ),
    );

    const [request] = await fake.requests();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request.headers["x-goog-api-key"]).toBe("AIza-test");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({
      systemInstruction: { parts: [{ text: "Translate to French" }] },
      contents: [{ role: "user", parts: [{ text: "Hello" }] }],
      generationConfig: { temperature: 1, maxOutputTokens: 64 },
    });
    expect(result.output).toEqual({
      text: "Bonjour",
      usage: { inputTokens: 9, outputTokens: 2, totalTokens: 11 },
      raw: generated,
    });
  });

  it("sends only the contents when nothing else is set", async () => {
    const fake = await fakeSession([{ status: 200, body: generated }]);
    await gemini.run(
      runContext(
        gemini,
        { prompt: "Hi" },
        { credential: { type: "gemini", data: { apiKey: "k", baseUrl: fake.baseUrl } } },
      ),
    );
    const [request] = await fake.requests();
    expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(JSON.parse(request.body)).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
  });

  aiProviderCases({
    node: gemini,
    service: "Gemini",
    answer: generated,
    text: "Bonjour",
    keyRejected: {
      status: 400,
      body: { error: { code: 400, message: "API key not valid.", status: "INVALID_ARGUMENT" } },
      message: "API key not valid.",
    },
    path: "/v1beta/models/gemini-2.5-flash:generateContent",
    versionSuffix: "/v1beta",
  });
});
