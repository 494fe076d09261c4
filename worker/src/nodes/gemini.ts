import { defineNode } from "./node-type";
import { aiParameters, apiKeyFrom, usage } from "./lib/ai";
import { callJsonApi } from "./lib/json-api";

interface GenerateContentResponse {
  candidates?: { content?: { parts?: { text?: string }[] } }[];
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number };
}

/** Google Gemini (`POST {baseUrl}/v1beta/models/{model}:generateContent`). */
export const gemini = defineNode({
  type: "gemini",
  version: 1,
  title: "Gemini",
  description: "Sends a prompt to a Google Gemini model. Outputs { text, usage, raw }.",
  category: "ai",
  icon: "sparkles",
  parameters: aiParameters("gemini-2.5-flash"),
  credential: { types: ["gemini"], required: true },
  outputs: ["main"],
  async run(ctx) {
    const { apiKey, baseUrl } = apiKeyFrom(ctx.credential, "Gemini");
    const { model, system, prompt, temperature, maxTokens } = ctx.params;
    // People paste both "gemini-2.5-flash" and "models/gemini-2.5-flash".
    const modelId = encodeURIComponent(model.replace(/^models\//, ""));
    const generationConfig = {
      ...(temperature !== undefined && { temperature }),
      ...(maxTokens !== undefined && { maxOutputTokens: maxTokens }),
    };
    const answer = await callJsonApi({
      service: "Gemini",
      // The path carries the version; a base URL given with "/v1beta" works too.
      baseUrl: (baseUrl ?? "https://generativelanguage.googleapis.com").replace(/\/v1beta\/?$/, ""),
      path: `/v1beta/models/${modelId}:generateContent`,
      // The key goes in a header, not `?key=`, so it never lands in a URL that proxies log.
      auth: { header: "x-goog-api-key", value: apiKey },
      body: {
        ...(system && { systemInstruction: { parts: [{ text: system }] } }),
        contents: [{ role: "user", parts: [{ text: prompt }] }],
        ...(Object.keys(generationConfig).length > 0 && { generationConfig }),
      },
      fetch: ctx.fetch,
      signal: ctx.signal,
    });
    const raw = answer.body as GenerateContentResponse;
    const text = (raw?.candidates?.[0]?.content?.parts ?? []).map((part) => part.text ?? "").join("");
    const meta = raw?.usageMetadata;
    return {
      output: {
        text,
        usage: usage(meta?.promptTokenCount, meta?.candidatesTokenCount, meta?.totalTokenCount),
        raw,
      },
    };
  },
});
