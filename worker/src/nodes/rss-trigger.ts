import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { defineNode } from "./node-type";

/** The trigger payload of the run that records a failed poll (triggers/rss-poll.ts). */
export interface FeedPollFailure {
  pollError: { url: string; message: string };
}

export function isFeedPollFailure(value: unknown): value is FeedPollFailure {
  const failure = (value as Partial<FeedPollFailure> | null)?.pollError;
  return typeof failure === "object" && failure !== null && typeof failure.message === "string";
}

/**
 * Started by the every-minute cron handler, which polls the feed every `pollMinutes` (triggers/rss-poll.ts):
 * one run per new item, oldest first, `{ title, link, guid, published, content }`. The first poll after
 * activation only records the items already there. A poll that fails is recorded as a failed run whose
 * trigger step carries the reason (docs/nodes.md#rsstrigger).
 */
export const rssTrigger = defineNode({
  type: "rssTrigger",
  version: 1,
  title: "RSS feed",
  description:
    "Starts the workflow once per new item of an RSS or Atom feed, polled every few minutes. Outputs { title, link, guid, published, content }.",
  category: "trigger",
  icon: "rss",
  parameters: z
    .object({
      url: z
        .string()
        .url()
        .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL")
        .describe("Address of the RSS 2.0, Atom or RSS 1.0 feed"),
      pollMinutes: z
        .number()
        .int()
        .min(1)
        .max(1440)
        .default(5)
        .describe("Minutes between two polls of the feed (1 to 1440)"),
    })
    .strict(),
  outputs: ["main"],
  pure: true,
  trigger: "rss",
  payload: {
    schema: z.object({
      title: z.string().nullable(),
      link: z.string().nullable(),
      guid: z.string().nullable(),
      published: z.string().nullable(),
      content: z.string().nullable(),
    }),
    sample: {
      title: "Release 2.0",
      link: "https://blog.example.com/release-2",
      guid: "https://blog.example.com/?p=42",
      published: "2026-01-10T09:30:00.000Z",
      content: "<p>What is new in 2.0…</p>",
    },
  },
  async run(ctx) {
    if (isFeedPollFailure(ctx.trigger)) {
      const { url, message } = ctx.trigger.pollError;
      throw new NonRetryableError(`Polling the feed ${url} failed: ${message}`);
    }
    return { output: ctx.trigger };
  },
});
