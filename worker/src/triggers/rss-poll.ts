/**
 * The RSS trigger's polling, run by the every-minute cron handler. For each active `rssTrigger` node whose
 * `pollMinutes` have passed:
 *
 * - The poll is leased in one statement (`rss_feed.polled_at`), so two overlapping ticks fetch a feed once.
 * - The feed is fetched through `ctx.fetch`'s SSRF rule (engine/outbound-fetch.ts), with the last `ETag` and
 *   `Last-Modified` (a 304 ends the poll), at most `FEED_MAX_BYTES` and `FEED_TIMEOUT_MS`.
 * - The first poll after activation (or after the URL changed) records every item as seen and starts nothing.
 * - Later polls start one run per item not seen before, oldest first, at most `MAX_RUNS_PER_POLL`; the rest
 *   follow on the next minute. Exactly once: each item is claimed (`trigger_claim`, `rss:<guid|link|hash>`)
 *   before its run starts, and only the claimer starts it.
 * - A failing poll (network, HTTP status, not XML, not a feed) fails only that node's poll: it is recorded
 *   as a failed run of the workflow whose RSS step says why (the same failure at most once an hour), and
 *   the next poll runs as usual. Other workflows' polls never wait for or see it.
 */
import { createOutboundFetch } from "../engine/outbound-fetch";
import { readUpTo } from "../engine/read-limited";
import { rssTrigger, type FeedPollFailure } from "../nodes/rss-trigger";
import { sha256Hex } from "../storage/api-keys";
import { getDb, type Db } from "../storage/db";
import {
  claimWithoutRuns,
  forgetGoneItems,
  leaseFeedPoll,
  listActiveFeeds,
  listSeenItems,
  RSS_CLAIM_PREFIX,
  updateFeedState,
  type ActiveFeed,
  type FeedState,
} from "../storage/rss-feeds";
import { claimTrigger, releaseClaimUnlessRecorded } from "../storage/triggers";
import { FeedError, parseFeed, type FeedItem } from "./feed";
import type { TriggerServices } from "./services";

const MINUTE_MS = 60_000;
export const FEED_MAX_BYTES = 5 * 1024 * 1024;
export const FEED_TIMEOUT_MS = 15_000;
export const MAX_RUNS_PER_POLL = 20;
/** Feeds fetched at once in one tick (a Worker keeps at most six connections open). */
const POLL_CONCURRENCY = 6;
const SAME_FAILURE_RECORDED_EVERY_MS = 60 * MINUTE_MS;
const PRUNE_EVERY_MS = 24 * 60 * MINUTE_MS;
/** Seen-item claims of items gone from the feed are forgotten after this long. */
const FORGET_GONE_AFTER_MS = 30 * 24 * 60 * MINUTE_MS;

export interface FeedPoll {
  workflowId: string;
  nodeId: string;
  outcome: "primed" | "unchanged" | "polled" | "failed";
  /** Execution ids started for new items, oldest item first. */
  started: string[];
  error?: string;
}

/** One tick: polls every due feed; a feed that fails is logged and recorded, and never stops the others. */
export async function runFeedPolls(
  env: Env,
  services: TriggerServices,
  scheduledTime: number,
): Promise<FeedPoll[]> {
  const db = getDb(env.DB);
  const slot = Math.floor(scheduledTime / MINUTE_MS) * MINUTE_MS;
  const feeds = await listActiveFeeds(db);
  const polls: FeedPoll[] = [];
  let next = 0;
  const worker = async () => {
    while (next < feeds.length) {
      const feed = feeds[next++];
      try {
        const poll = await pollFeed(env, db, services, feed, slot);
        if (poll) polls.push(poll);
      } catch (err) {
        console.error("feed poll failed", {
          workflowId: feed.workflowId,
          nodeId: feed.nodeId,
          error: String(err),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POLL_CONCURRENCY, feeds.length) }, worker));
  return polls;
}

async function pollFeed(
  env: Env,
  db: Db,
  services: TriggerServices,
  feed: ActiveFeed,
  slot: number,
): Promise<FeedPoll | null> {
  const params = rssTrigger.parameters.safeParse(feed.parameters);
  if (!params.success) {
    console.warn("feed skipped: invalid parameters", { workflowId: feed.workflowId, nodeId: feed.nodeId });
    return null;
  }
  const { url, pollMinutes } = params.data;
  const key = { workflowId: feed.workflowId, nodeId: feed.nodeId };
  const intervalMs = pollMinutes * MINUTE_MS;
  const state = await leaseFeedPoll(db, key, { url, slot, intervalMs });
  if (!state) return null;
  const priming = !state.primed || state.url !== url;
  const result = { ...key, started: [] as string[] };

  let fetched: FetchedFeed | null;
  let items: FeedItem[];
  try {
    fetched = await fetchFeed(env, url, priming ? null : state);
    items = fetched ? parseFeed(fetched.text) : [];
  } catch (err) {
    const message = failureText(err);
    await recordFailure(env, db, services, feed, state, { url, message });
    return { ...result, outcome: "failed", error: message };
  }
  if (!fetched) {
    await updateFeedState(db, key, { lastError: null });
    return { ...result, outcome: "unchanged" };
  }

  const entries = await keyedEntries(items);
  const current = new Set(entries.map((e) => e.claimKey));
  const seenItems = await listSeenItems(db, key);
  const seen = new Set(seenItems.map((s) => s.claimKey));
  const validators = { etag: fetched.etag, lastModified: fetched.lastModified };
  const prune = state.prunedAt === null || slot - state.prunedAt >= PRUNE_EVERY_MS;
  if (prune) await forgetGoneItems(db, key, current, new Date(slot - FORGET_GONE_AFTER_MS));

  if (priming) {
    await claimWithoutRuns(
      db,
      key,
      entries.map((e) => e.claimKey).filter((k) => !seen.has(k)),
    );
    await updateFeedState(db, key, {
      url,
      primed: true,
      ...validators,
      lastError: null,
      ...(prune && { prunedAt: slot }),
    });
    return { ...result, outcome: "primed" };
  }

  const fresh = oldestFirst(entries.filter((e) => !seen.has(e.claimKey)));
  const batch = fresh.slice(0, MAX_RUNS_PER_POLL);
  // The validators are kept only when this poll saw everything through: otherwise a 304 next time would
  // hide the items still waiting (a backlog, a failed start, another tick's start still in flight).
  let complete =
    fresh.length === batch.length && !seenItems.some((s) => s.unsettled && current.has(s.claimKey));
  for (const { item, claimKey } of batch) {
    const claim = { ...key, claimKey };
    const plannedId = crypto.randomUUID();
    if (!(await claimTrigger(db, claim, plannedId))) continue;
    try {
      await services.startExecution(env, {
        executionId: plannedId,
        userId: feed.userId,
        workflowId: feed.workflowId,
        mode: "rss",
        triggerNodeId: feed.nodeId,
        triggerData: item,
      });
      result.started.push(plannedId);
    } catch (err) {
      // Unclaimed again, the item is new to the next poll (unless its run was recorded: the reconciler starts it).
      await releaseClaimUnlessRecorded(db, claim);
      complete = false;
      console.error("feed item run failed to start", { ...key, error: String(err) });
      break;
    }
  }
  await updateFeedState(db, key, {
    etag: complete ? validators.etag : null,
    lastModified: complete ? validators.lastModified : null,
    lastError: null,
    ...(prune && { prunedAt: slot }),
    // A backlog goes on at the next minute instead of after a whole interval.
    ...(fresh.length > batch.length && { polledAt: slot - intervalMs + MINUTE_MS }),
  });
  return { ...result, outcome: "polled" };
}

interface FetchedFeed {
  text: string;
  etag: string | null;
  lastModified: string | null;
}

/** The feed's text, or null for 304 Not Modified. Throws `FeedError` (or the SSRF refusal) on failure. */
async function fetchFeed(
  env: Env,
  url: string,
  validators: Pick<FeedState, "etag" | "lastModified"> | null,
): Promise<FetchedFeed | null> {
  const headers = new Headers({
    accept:
      "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    "user-agent": "Nodebase-RSS/1.0",
  });
  if (validators?.etag) headers.set("if-none-match", validators.etag);
  if (validators?.lastModified) headers.set("if-modified-since", validators.lastModified);
  const response = await createOutboundFetch(env)(url, {
    headers,
    redirect: "follow",
    signal: AbortSignal.timeout(FEED_TIMEOUT_MS),
  });
  if (response.status === 304) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FeedError(`the server answered ${response.status} ${response.statusText}`.trim());
  }
  const bytes = await readUpTo(
    response.body,
    FEED_MAX_BYTES,
    () => new FeedError(`the feed is larger than ${FEED_MAX_BYTES / 1024 / 1024} MB`),
  );
  return {
    text: decode(bytes, response.headers.get("content-type")),
    etag: response.headers.get("etag"),
    lastModified: response.headers.get("last-modified"),
  };
}

/** Text in the charset of the Content-Type or the XML declaration; UTF-8 when unknown. */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const label =
    /charset="?([\w-]+)/i.exec(contentType ?? "")?.[1] ?? /<\?xml[^>]*encoding=["']([\w-]+)/i.exec(head)?.[1];
  try {
    return new TextDecoder(label ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

function failureText(err: unknown): string {
  if (err instanceof FeedError) return err.message;
  if (err instanceof Error && err.name === "TimeoutError") {
    return `the feed did not answer within ${FEED_TIMEOUT_MS / 1000} s`;
  }
  if (err instanceof Error && err.name === "OutboundRequestRefused") return err.message;
  return `the feed could not be fetched (${err instanceof Error ? err.message : String(err)})`;
}

/** Records a failed poll as a failed run (see the module comment); the same failure at most once an hour. */
async function recordFailure(
  env: Env,
  db: Db,
  services: TriggerServices,
  feed: ActiveFeed,
  state: FeedState,
  failure: FeedPollFailure["pollError"],
): Promise<void> {
  const key = { workflowId: feed.workflowId, nodeId: feed.nodeId };
  const now = Date.now();
  const repeated =
    state.lastError === failure.message &&
    state.errorRecordedAt !== null &&
    now - state.errorRecordedAt < SAME_FAILURE_RECORDED_EVERY_MS;
  let recorded = false;
  if (!repeated) {
    try {
      await services.startExecution(env, {
        userId: feed.userId,
        workflowId: feed.workflowId,
        mode: "rss",
        triggerNodeId: feed.nodeId,
        triggerData: { pollError: failure } satisfies FeedPollFailure,
      });
      recorded = true;
    } catch (err) {
      console.error("feed failure run failed to start", { ...key, error: String(err) });
    }
  }
  console.warn("feed poll failed", { ...key, url: failure.url, error: failure.message });
  await updateFeedState(db, key, { lastError: failure.message, ...(recorded && { errorRecordedAt: now }) });
}

interface KeyedEntry {
  item: FeedItem;
  claimKey: string;
  /** Place in the document. */
  index: number;
}

/** Each item with its claim key (guid, else link, else a hash of its text); an item repeated counts once. */
async function keyedEntries(items: FeedItem[]): Promise<KeyedEntry[]> {
  const entries: KeyedEntry[] = [];
  const keys = new Set<string>();
  for (const [index, item] of items.entries()) {
    const claimKey = await claimKeyOf(item);
    if (keys.has(claimKey)) continue;
    keys.add(claimKey);
    entries.push({ item, claimKey, index });
  }
  return entries;
}

export async function claimKeyOf(item: FeedItem): Promise<string> {
  const id = item.guid ?? item.link;
  if (id !== null && id.length <= 200) return `${RSS_CLAIM_PREFIX}${id}`;
  const basis = id ?? JSON.stringify([item.title, item.published, item.content]);
  return `${RSS_CLAIM_PREFIX}sha256:${await sha256Hex(basis)}`;
}

/**
 * Oldest first: by date when every item has one, else the reverse of the document's order (feeds list the
 * newest first).
 */
function oldestFirst(entries: KeyedEntry[]): KeyedEntry[] {
  const reversed = [...entries].sort((a, b) => b.index - a.index);
  const times = new Map(reversed.map((e) => [e, Date.parse(e.item.published ?? "")]));
  if ([...times.values()].some(Number.isNaN)) return reversed;
  return reversed.sort((a, b) => times.get(a)! - times.get(b)! || b.index - a.index);
}
