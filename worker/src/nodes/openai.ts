import { defineNode } from "./node-type";
import { aiParameters, apiKeyFrom, usage } from "./lib/ai";
import { callJsonApi } from "./lib/json-api";

interface ChatCompletion {
  choices?: { message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

/** OpenAI Chat Completions (`POST {baseUrl}/chat/completions`); any OpenAI-compatible gateway works via baseUrl. */
export const openai = defineNode({
  type: "openai",
  version: 1,
  title: "OpenAI",
  description: "Sends a prompt to an OpenAI chat model. Outputs { text, usage, raw }.",
  category: "ai",
  icon: "sparkles",
  parameters: aiParameters("gpt-4o-mini"),
  credential: { types: ["openai"], required: true },
  outputs: ["main"],
  async run(ctx) {
    const { apiKey, baseUrl } = apiKeyFrom(ctx.credential, "OpenAI");
    const { model, system, prompt, temperature, maxTokens } = ctx.params;
    const messages = [
      ...(system ? [{ role: "system", content: system }] : []),
      { role: "user", content: prompt },
    ];
    const answer = await callJsonApi({
      service: "OpenAI",
      // The base URL includes the API version (contract): default https://api.openai.com/v1.
      baseUrl: baseUrl ?? "https://api.openai.com/v1",
      path: "/chat/completions",
      auth: { bearer: apiKey },
      body: {
        model,
        messages,
        ...(temperature !== undefined && { temperature }),
        ...(maxTokens !== undefined && { max_completion_tokens: maxTokens }),
      },
      fetch: ctx.fetch,
      signal: ctx.signal,
    });
    const raw = answer.body as ChatCompletion;
    return {
      output: {
        text: raw?.choices?.[0]?.message?.content ?? "",
        usage: usage(raw?.usage?.prompt_tokens, raw?.usage?.completion_tokens, raw?.usage?.total_tokens),
        raw,
      },
    };
  },
});
