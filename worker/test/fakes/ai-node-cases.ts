/**
 * What every AI node (openai, anthropic, gemini) must do the same way, as one set of test cases each
 * provider's test file runs with its own answer shapes: retry a rate limit, surface the provider's own
 * error text without the key, refuse to run without a key, and take a base URL with or without its
 * version suffix. Each test file keeps only its provider's request and response shapes.
 */
import { expect, it } from "vitest";
import type { NodeType } from "../../src/nodes/node-type";
import { fakeSession } from "./fake-http";
import { runContext } from "./run-context";

export interface AiProviderCase {
  node: NodeType<any>;
  /** "OpenAI": the word errors start with. */
  service: string;
  /** A successful answer of this provider, and the `text` the node makes of it. */
  answer: unknown;
  text: string;
  /** This provider's error body for a rejected key, and the message the node must quote from it. */
  keyRejected: { status: number; body: unknown; message: string };
  /** The path the node calls for `{ prompt: "Hi" }` with default settings, and a base URL suffix it accepts. */
  path: string;
  versionSuffix: string;
}

export function aiProviderCases(c: AiProviderCase) {
  const run = (baseUrl: string, apiKey = "k") =>
    c.node.run(
      runContext(c.node, { prompt: "Hi" }, { credential: { type: c.node.type, data: { apiKey, baseUrl } } }),
    );

  it("retries a 429 honouring Retry-After, then outputs the text", async () => {
    const fake = await fakeSession([
      { status: 429, headers: { "retry-after": "0" }, body: { error: { message: "Rate limit reached" } } },
      { status: 200, body: c.answer },
    ]);
    const result = await run(fake.baseUrl);
    expect((result.output as { text: string }).text).toBe(c.text);
    expect(await fake.requests()).toHaveLength(2);
  });

  it("fails at once with the provider's status and message, and never the key", async () => {
    const fake = await fakeSession([c.keyRejected]);
    const error = await run(fake.baseUrl, "sk-rejected-key-1").catch((e) => e);
    expect(error.message).toBe(`${c.service} answered ${c.keyRejected.status}: ${c.keyRejected.message}`);
    expect(error.message).not.toContain("sk-rejected-key-1");
    expect(await fake.requests()).toHaveLength(1);
  });

  it("accepts a base URL with its version suffix and a trailing slash", async () => {
    const fake = await fakeSession([{ status: 200, body: c.answer }]);
    await run(`${fake.baseUrl}${c.versionSuffix}/`);
    expect((await fake.requests())[0].path).toBe(c.path);
  });

  it("refuses to run without a credential", async () => {
    await expect(c.node.run(runContext(c.node, { prompt: "Hi" }))).rejects.toThrow(
      `${c.service} needs a credential with an apiKey`,
    );
  });
}
