import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { rssTrigger } from "./rss-trigger";

describe("rssTrigger node", () => {
  it("outputs the feed item the poll started it with", async () => {
    const item = { title: "T", link: "https://b.example/1", guid: "1", published: null, content: null };
    const ctx = runContext(rssTrigger, { url: "https://b.example/feed" }, { trigger: item });
    expect((await rssTrigger.run(ctx)).output).toEqual(item);
  });

  it("fails, without retries, the run that records a failed poll, with the reason", async () => {
    const trigger = {
      pollError: { url: "https://b.example/feed", message: "the feed is not XML (x, line 1)" },
    };
    const ctx = runContext(rssTrigger, { url: "https://b.example/feed" }, { trigger });
    const failure = await rssTrigger.run(ctx).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(NonRetryableError);
    expect((failure as Error).message).toBe(
      "Polling the feed https://b.example/feed failed: the feed is not XML (x, line 1)",
    );
  });

  it("takes an http(s) url and pollMinutes 1..1440 (5 by default)", () => {
    expect(rssTrigger.parameters.parse({ url: "https://b.example/feed" })).toEqual({
      url: "https://b.example/feed",
      pollMinutes: 5,
    });
    for (const bad of [
      { url: "ftp://b.example/feed" },
      { url: "not a url" },
      { url: "https://b.example/feed", pollMinutes: 0 },
      { url: "https://b.example/feed", pollMinutes: 1441 },
      { url: "https://b.example/feed", pollMinutes: 2.5 },
      { url: "https://b.example/feed", extra: true },
    ]) {
      expect(rssTrigger.parameters.safeParse(bad).success).toBe(false);
    }
  });
});
