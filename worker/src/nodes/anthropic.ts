import { defineNode } from "./node-type";
import { aiParameters, apiKeyFrom, usage } from "./lib/ai";
import { callJsonApi } from "./lib/json-api";

interface MessagesResponse {
  content?: { type: string; text?: string }[];
  usage?: { input_tokens?: number; output_tokens?: number };
}

/** Anthropic Messages API (`POST {baseUrl}/v1/messages`). */
export const anthropic = defineNode({
  type: "anthropic",
  version: 1,
  title: "Anthropic",
  description: "Sends a prompt to a Claude model. Outputs { text, usage, raw }.",
  category: "ai",
  icon: "sparkles",
  parameters: aiParameters("claude-sonnet-4-5"),
  credential: { types: ["anthropic"], required: true },
  outputs: ["main"],
  async run(ctx) {
    const { apiKey, baseUrl } = apiKeyFrom(ctx.credential, "Anthropic");
    const { model, system, prompt, temperature, maxTokens } = ctx.params;
    const answer = await callJsonApi({
      service: "Anthropic",
      // The path carries the version; a base URL given with "/v1" works too.
      baseUrl: (baseUrl ?? "https://api.anthropic.com").replace(/\/v1\/?$/, ""),
      path: "/v1/messages",
      auth: { header: "x-api-key", value: apiKey },
      headers: { "anthropic-version": "2023-06-01" },
      body: {
        model,
        // Required by the Messages API, so it has a default here.
        max_tokens: maxTokens ?? 1024,
        ...(system && { system }),
        messages: [{ role: "user", content: prompt }],
        ...(temperature !== undefined && { temperature }),
      },
      fetch: ctx.fetch,
      signal: ctx.signal,
    });
    const raw = answer.body as MessagesResponse;
    const text = (raw?.content ?? [])
      .filter((block) => block.type === "text")
      .map((block) => block.text ?? "")
      .join("");
    return { output: { text, usage: usage(raw?.usage?.input_tokens, raw?.usage?.output_tokens), raw } };
  },
});
