/**
 * RSS trigger end to end: workflows saved and activated through the API, a local feed publisher that
 * answers conditional GETs, the cron handler's polls (the Worker's own `scheduled()` and the poll tick
 * itself), real runs by the engine.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../src/index";
import { rssTrigger } from "../src/nodes/rss-trigger";
import { getDb } from "../src/storage/db";
import { workflowExecution } from "../src/storage/schema";
import { realTriggerServices } from "../src/triggers/real-services";
import { MAX_RUNS_PER_POLL, runFeedPolls } from "../src/triggers/rss-poll";
import { finished } from "./engine-fixtures";
import { publishFeed } from "./fakes/feed-server";
import { atom, rss2, type TestItem } from "./fakes/feeds";
import { signUp, type TestUser } from "./helpers";
import { createWorkflow } from "./trigger-scenarios";

const MINUTE = 60_000;
/** Each test polls in its own stretch of (future) minutes, so tests in this file never share a due slot. */
let nextBase = Math.ceil(Date.now() / MINUTE) * MINUTE + 10 * MINUTE;
const freshMinutes = () => {
  const base = nextBase;
  nextBase += 24 * 60 * MINUTE;
  return (minutes: number) => base + minutes * MINUTE;
};

const post = (n: number, hoursAgo = n): TestItem => ({
  title: `Post ${n}`,
  link: `https://blog.example.com/${n}`,
  guid: `post-${n}`,
  date: new Date(Date.UTC(2026, 0, 10) - hoursAgo * 3_600_000),
  content: `<p>Body ${n}</p>`,
});
/** Newest first, as feeds list them. */
const posts = (...ns: number[]) => ns.map((n) => post(n, 100 - n));

/** Workflows made by the running test: deactivated after it, so later tests' ticks do not poll them. */
let made: { user: TestUser; id: string }[] = [];
afterEach(async () => {
  for (const { user, id } of made) await user.fetch(`/api/workflows/${id}/deactivate`, { method: "POST" });
  made = [];
});

async function rssWorkflow(user: TestUser, url: string, pollMinutes = 5) {
  const wf = await createWorkflow(user, [
    { id: "feed", type: "rssTrigger", name: "Blog feed", parameters: { url, pollMinutes } },
    { id: "note", type: "set", name: "Note", parameters: { fields: { title: "{{ $json.title }}" } } },
  ]);
  made.push({ user, id: wf.id });
  return wf;
}

/** Polls at `at` and returns this workflow's poll. */
async function poll(workflowId: string, at: number, environment: Env = env) {
  const polls = await runFeedPolls(environment, realTriggerServices, at);
  return polls.find((p) => p.workflowId === workflowId);
}

const runsOf = (workflowId: string) =>
  getDb(env.DB)
    .select()
    .from(workflowExecution)
    .where(eq(workflowExecution.workflowId, workflowId))
    .orderBy(asc(workflowExecution.createdAt));

describe("rssTrigger", () => {
  it("records the feed on the first poll, then starts one run per new item, oldest first", async () => {
    const at = freshMinutes();
    const feed = await publishFeed({ body: rss2(posts(2, 1)) });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url);

    expect(await poll(wf.id, at(0))).toMatchObject({ outcome: "primed", started: [] });
    expect(await runsOf(wf.id)).toHaveLength(0);

    await feed.update({ body: rss2(posts(4, 3, 2, 1)) });
    const second = await poll(wf.id, at(5));
    expect(second).toMatchObject({ outcome: "polled" });
    expect(second!.started).toHaveLength(2);
    const outputs = [];
    for (const id of second!.started) {
      const { execution, steps } = await finished(id);
      expect(execution).toMatchObject({ status: "success", mode: "rss", triggerNodeId: "feed" });
      outputs.push(steps.feed.output);
      expect(steps.note.output).toEqual({ title: (steps.feed.output as { title: string }).title });
    }
    expect(outputs).toEqual([
      {
        title: "Post 3",
        link: "https://blog.example.com/3",
        guid: "post-3",
        published: post(3, 97).date!.toISOString(),
        content: "<p>Body 3</p>",
      },
      expect.objectContaining({ title: "Post 4", guid: "post-4" }),
    ]);
    expect(await runsOf(wf.id)).toHaveLength(2);
  });

  it("starts a run whose output is exactly the shape of the editor's sample payload", async () => {
    const at = freshMinutes();
    const sample = rssTrigger.payload!.sample as {
      title: string;
      link: string;
      guid: string;
      published: string;
      content: string;
    };
    const feed = await publishFeed({ body: atom([]), contentType: "application/atom+xml" });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url);
    await poll(wf.id, at(0));
    const date = new Date(sample.published);
    await feed.update({ body: atom([{ ...sample, date }]), contentType: "application/atom+xml" });
    const [id] = (await poll(wf.id, at(5)))!.started;
    expect((await finished(id)).steps.feed.output).toEqual(rssTrigger.payload!.sample);
  });

  it("polls every pollMinutes with conditional GETs, and a 304 starts nothing", async () => {
    const at = freshMinutes();
    const feed = await publishFeed({ body: rss2(posts(1)) });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url, 10);

    await poll(wf.id, at(0));
    expect(await poll(wf.id, at(1))).toBeUndefined();
    expect(await poll(wf.id, at(9))).toBeUndefined();
    expect(await poll(wf.id, at(10))).toMatchObject({ outcome: "unchanged", started: [] });
    await feed.update({ body: rss2(posts(2, 1)) });
    expect((await poll(wf.id, at(20)))!.started).toHaveLength(1);

    const log = await feed.log();
    expect(log.map((r) => r.status)).toEqual([200, 304, 200]);
    // The first poll asks unconditionally; later ones send the validators of the last answer.
    expect(log[0]).toMatchObject({ ifNoneMatch: null, ifModifiedSince: null });
    expect(log[1].ifNoneMatch).toMatch(/^"[0-9a-f]+"$/);
    expect(log[1].ifModifiedSince).toMatch(/GMT$/);
    expect(await runsOf(wf.id)).toHaveLength(1);
  });

  it("starts each new item exactly once when two ticks poll at the same time", async () => {
    const at = freshMinutes();
    const feed = await publishFeed({ body: rss2(posts(1)), validators: false });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url, 1);
    await poll(wf.id, at(0));
    await feed.update({ body: rss2(posts(3, 2, 1)), validators: false });

    // Two ticks of the same minute, and one of the next minute, all at once.
    const polls = await Promise.all([poll(wf.id, at(1)), poll(wf.id, at(1)), poll(wf.id, at(2))]);
    const started = polls.flatMap((p) => p?.started ?? []);
    expect(started).toHaveLength(2);
    expect(await runsOf(wf.id)).toHaveLength(2);
    const titles = await Promise.all(
      started.map(async (id) => ((await finished(id)).steps.feed.output as { title: string }).title),
    );
    expect(titles.sort()).toEqual(["Post 2", "Post 3"]);
  });

  it("a feed that is not XML fails that poll as a failed run saying why; other feeds and the next poll run", async () => {
    const at = freshMinutes();
    const broken = await publishFeed({ body: rss2(posts(1)) });
    const healthy = await publishFeed({ body: atom(posts(1)), contentType: "application/atom+xml" });
    const user = await signUp();
    const bad = await rssWorkflow(user, broken.url);
    const good = await rssWorkflow(user, healthy.url);
    await runFeedPolls(env, realTriggerServices, at(0));

    await broken.update({ body: "<html><body><p>Maintenance<br></body></html>", contentType: "text/html" });
    await healthy.update({ body: atom(posts(2, 1)), contentType: "application/atom+xml" });
    const polls = await runFeedPolls(env, realTriggerServices, at(5));
    const failedPoll = polls.find((p) => p.workflowId === bad.id);
    expect(failedPoll).toMatchObject({
      outcome: "failed",
      error: expect.stringMatching(/^the feed is not XML/),
    });
    expect(polls.find((p) => p.workflowId === good.id)!.started).toHaveLength(1);

    const [failedRun] = await runsOf(bad.id);
    const { execution, steps } = await finished(failedRun.id);
    expect(execution.status).toBe("error");
    expect(execution.error?.message).toMatch(
      new RegExp(`^Polling the feed ${broken.url.replace(/[.]/g, "\\.")} failed: the feed is not XML`),
    );
    expect(steps.feed.status).toBe("error");
    expect(steps.note).toBeUndefined();

    // The same failure again within the hour is not recorded twice; a server error is a new failure.
    expect(await poll(bad.id, at(10))).toMatchObject({ outcome: "failed" });
    expect(await runsOf(bad.id)).toHaveLength(1);
    await broken.update({ body: "busy", status: 503, contentType: "text/plain" });
    expect(await poll(bad.id, at(15))).toMatchObject({
      error: "the server answered 503 Service Unavailable",
    });
    expect(await runsOf(bad.id)).toHaveLength(2);

    // Fixed: the next poll reads the feed again and starts the item that appeared meanwhile.
    await broken.update({ body: rss2(posts(2, 1)) });
    expect((await poll(bad.id, at(20)))!.started).toHaveLength(1);
  });

  it("runs what a backlog holds over several minutes, at most the per-poll bound each time", async () => {
    const at = freshMinutes();
    const feed = await publishFeed({ body: rss2([]) });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url, 30);
    await poll(wf.id, at(0));
    const many = Array.from({ length: MAX_RUNS_PER_POLL + 5 }, (_, i) => MAX_RUNS_PER_POLL + 5 - i);
    await feed.update({ body: rss2(posts(...many)) });

    expect((await poll(wf.id, at(30)))!.started).toHaveLength(MAX_RUNS_PER_POLL);
    // The rest comes the next minute, not after another 30, and with a full GET (no 304 hiding it).
    expect((await poll(wf.id, at(31)))!.started).toHaveLength(5);
    expect(await poll(wf.id, at(32))).toBeUndefined();
    expect((await feed.log()).map((r) => r.status)).toEqual([200, 200, 200]);
    const first = await finished((await runsOf(wf.id))[0].id);
    expect((first.steps.feed.output as { title: string }).title).toBe("Post 1");
  });

  it("primes again after a deactivation and activation, and after the URL changes", async () => {
    const at = freshMinutes();
    const feed = await publishFeed({ body: rss2(posts(1)) });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url);
    await poll(wf.id, at(0));
    expect((await user.fetch(`/api/workflows/${wf.id}/deactivate`, { method: "POST" })).status).toBe(200);
    await feed.update({ body: rss2(posts(2, 1)) });
    expect((await user.fetch(`/api/workflows/${wf.id}/activate`, { method: "POST" })).status).toBe(200);
    // Post 2 appeared while the workflow was off: the first poll after activation only records it.
    expect(await poll(wf.id, at(5))).toMatchObject({ outcome: "primed" });
    // Activating an active workflow again changes nothing.
    expect((await user.fetch(`/api/workflows/${wf.id}/activate`, { method: "POST" })).status).toBe(200);
    expect(await poll(wf.id, at(10))).toMatchObject({ outcome: "unchanged" });

    const other = await publishFeed({ body: atom(posts(7)), contentType: "application/atom+xml" });
    const saved = await user.fetch(`/api/workflows/${wf.id}`);
    const document = (await saved.json()) as { nodes: { id: string; parameters: Record<string, unknown> }[] };
    document.nodes[0].parameters = { url: other.url, pollMinutes: 5 };
    expect((await user.fetch(`/api/workflows/${wf.id}`, { method: "PUT", json: document })).status).toBe(200);
    expect(await poll(wf.id, at(15))).toMatchObject({ outcome: "primed" });
    expect(await runsOf(wf.id)).toHaveLength(0);
  });

  it("refuses a private feed address in production through the one SSRF rule", async () => {
    const at = freshMinutes();
    const feed = await publishFeed({ body: rss2(posts(1)) });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url);
    const result = await poll(wf.id, at(0), { ...env, NODEBASE_ENV: "production" });
    expect(result).toMatchObject({ outcome: "failed", error: expect.stringMatching(/refused: .*private/) });
    expect(await feed.log()).toEqual([]);
  });

  it("is polled by the Worker's cron handler, and a bad URL is refused at save", async () => {
    const at = freshMinutes();
    const feed = await publishFeed({ body: rss2(posts(1)) });
    const user = await signUp();
    const wf = await rssWorkflow(user, feed.url);
    const controller = createScheduledController({ scheduledTime: new Date(at(0)), cron: "* * * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await feed.log()).map((r) => r.status)).toEqual([200]);

    const refused = await user.fetch("/api/workflows", {
      method: "POST",
      json: {
        name: "bad feed",
        nodes: [
          {
            id: "f",
            type: "rssTrigger",
            name: "Feed",
            parameters: { url: "ftp://example.com/feed", pollMinutes: 0 },
            position: { x: 0, y: 0 },
          },
        ],
        edges: [],
      },
    });
    expect(refused.status).toBe(422);
    const text = JSON.stringify(await refused.json());
    expect(text).toMatch(/url/);
    expect(text).toMatch(/pollMinutes/);
  });
});
