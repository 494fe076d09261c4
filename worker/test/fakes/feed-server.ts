/**
 * Client for the feed publisher started by `feed-server.global.ts`, used from tests inside workerd.
 *
 * @example
 * const feed = await publishFeed({ body: rss2([{ title: "Hello", guid: "1" }]) });
 * // …point an rssTrigger at feed.url, fire the cron handler…
 * expect((await feed.log()).map((r) => r.status)).toEqual([200, 304]);
 */
import { inject } from "vitest";

export interface FeedContent {
  body: string;
  contentType?: string;
  status?: number;
  /** Send ETag and Last-Modified, and answer conditional GETs with 304 (default true). */
  validators?: boolean;
}

export async function publishFeed(content: FeedContent) {
  const root = inject("feedServerUrl");
  const created = await fetch(`${root}/__feeds`, { method: "POST", body: JSON.stringify(content) });
  const { id } = (await created.json()) as { id: string };
  return {
    url: `${root}/f/${id}`,
    async update(next: FeedContent): Promise<void> {
      await fetch(`${root}/__feeds/${id}`, { method: "PUT", body: JSON.stringify(next) });
    },
    async log(): Promise<{ ifNoneMatch: string | null; ifModifiedSince: string | null; status: number }[]> {
      return (await fetch(`${root}/__feeds/${id}/log`)).json();
    },
  };
}
