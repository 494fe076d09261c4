/**
 * What the three AI nodes (openai, anthropic, gemini) share: the same parameters, the same credential
 * shape (`{ apiKey, baseUrl? }`) and the same output (`{ text, usage, raw }`). Each provider file keeps only
 * its own request and response shapes.
 */
import { z } from "zod";
import type { NodeRunContext } from "../node-type";
import { readCredential } from "./credential";

export function aiParameters(defaultModel: string) {
  return z
    .object({
      model: z
        .string()
        .min(1)
        .default(defaultModel)
        .describe("Model id, e.g. " + defaultModel),
      system: z.string().default("").describe("System instructions (may use {{ }} expressions)"),
      prompt: z.string().min(1).describe("The user message (may use {{ }} expressions)"),
      temperature: z
        .number()
        .min(0)
        .max(2)
        .optional()
        .describe("Sampling temperature (provider default when empty)"),
      maxTokens: z.number().int().positive().optional().describe("Upper bound on tokens generated"),
    })
    .strict();
}

export type AiParameters = z.infer<ReturnType<typeof aiParameters>>;

const apiKeyCredential = z.object({
  apiKey: z.string().min(1),
  baseUrl: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/** The decrypted credential, checked; a missing or malformed one fails the node with a clear message. */
export function apiKeyFrom(credential: NodeRunContext<unknown>["credential"], provider: string) {
  return readCredential(credential, apiKeyCredential, provider, "an apiKey (and optionally a baseUrl URL)");
}

/** Token counts in one shape whatever the provider called them. */
export interface AiUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
}

export function usage(input: unknown, output: unknown, total?: unknown): AiUsage {
  const n = (v: unknown) => (typeof v === "number" ? v : null);
  const i = n(input);
  const o = n(output);
  return {
    inputTokens: i,
    outputTokens: o,
    totalTokens: n(total) ?? (i !== null && o !== null ? i + o : null),
  };
}
