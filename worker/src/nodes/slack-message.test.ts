import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, inject, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { ConnectorError } from "./lib/json-api";
import { slackMessage } from "./slack-message";

/** Against a server shaped like Slack's Web API (worker/test/fakes/slack-api.global.ts). */
const baseUrl = `${inject("slackApiUrl")}/api`;
/** A fresh bot token per test keeps the fake's logs apart. */
const newToken = (kind = "xoxb") => `${kind}-1234-${crypto.randomUUID().replaceAll("-", "")}`;
const withToken = (botToken: string) => ({ credential: { type: "slackApi", data: { botToken, baseUrl } } });
const sentWith = async (token: string) =>
  (await fetch(`${inject("slackApiUrl")}/__sent/${encodeURIComponent(token)}`)).json();
const post = (params: Record<string, unknown>, token: string) =>
  slackMessage.run(runContext(slackMessage, params, withToken(token)));

describe("slackMessage node", () => {
  it("posts { channel, text } to chat.postMessage with the bot token and outputs { channel, ts, message }", async () => {
    const token = newToken();
    const result = await post({ channel: "#deploys", text: "*v2* is out" }, token);
    const [posted] = (await sentWith(token)) as { channel: string; text: string; ts: string }[];
    expect(posted).toMatchObject({ channel: "C0DEPLOYS", text: "*v2* is out" });
    expect(result.output).toEqual({
      channel: "C0DEPLOYS",
      ts: posted.ts,
      message: expect.objectContaining({
        type: "message",
        text: "*v2* is out",
        bot_id: "B0BOT",
        ts: posted.ts,
      }),
    });
    // Sent with the charset Slack wants (the fake adds `warning: missing_charset` otherwise).
    expect(JSON.stringify(result.output)).not.toContain("missing_charset");
  });

  it("replies in a thread with threadTs", async () => {
    const token = newToken();
    const first = (await post({ channel: "C0TEAM", text: "Build failed" }, token)).output as { ts: string };
    const reply = await post({ channel: "C0TEAM", text: "Fixed", threadTs: first.ts }, token);
    expect((reply.output as { message: { thread_ts: string } }).message.thread_ts).toBe(first.ts);
    expect(((await sentWith(token)) as { thread_ts?: string }[])[1].thread_ts).toBe(first.ts);
  });

  it("uses an oauth2 credential's access token (Slack preset)", async () => {
    const token = newToken();
    // An oauth2 credential calls slack.com itself; here the fake stands in through the real fetch's URL.
    const ctx = runContext(
      slackMessage,
      { channel: "C0TEAM", text: "hi" },
      { credential: { type: "oauth2", data: { accessToken: token, tokenType: "Bearer" } } },
    );
    const calls: string[] = [];
    ctx.fetch = (input, init) => {
      const url = new Request(input).url;
      calls.push(url);
      return fetch(url.replace("https://slack.com/api", baseUrl), init);
    };
    await slackMessage.run(ctx);
    expect(calls).toEqual(["https://slack.com/api/chat.postMessage"]);
    expect(await sentWith(token)).toHaveLength(1);
  });

  it("fails at once with Slack's error code for an unknown channel, a channel the bot is not in, a bad token", async () => {
    for (const [channel, token, error] of [
      ["C0NOTFOUND", newToken(), "channel_not_found"],
      ["C0OUTSIDE", newToken(), "not_in_channel"],
      ["C0TEAM", newToken("xoxb-revoked"), "invalid_auth"],
      ["C0TEAM", newToken("xoxb-readonly"), "missing_scope (needs chat:write)"],
    ]) {
      const failure = await post({ channel, text: "hi" }, token).catch((e) => e);
      expect(failure).toBeInstanceOf(NonRetryableError);
      expect(failure.message).toBe(`Slack answered 200: ${error}`);
      expect(failure.message).not.toContain(token);
    }
  });

  it("a rate limit is left to the node's retry policy, after one call (idempotent: false)", async () => {
    expect(slackMessage.idempotent).toBe(false);
    const token = newToken();
    const ctx = runContext(slackMessage, { channel: "C0BUSY", text: "hi" }, withToken(token));
    let calls = 0;
    ctx.fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const failure = await slackMessage.run(ctx).catch((e) => e);
    expect(calls).toBe(1);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure.message).toBe("Slack answered 429: ratelimited");
    expect(failure.retryable).toBe(true);
  });

  it("never shows the token when Slack cannot be reached", async () => {
    const token = newToken();
    const ctx = runContext(
      slackMessage,
      { channel: "C0TEAM", text: "hi" },
      { credential: { type: "slackApi", data: { botToken: token, baseUrl: "http://127.0.0.1:8859/api" } } },
    );
    const failure = await slackMessage.run(ctx).catch((e) => e);
    expect(failure.message).toMatch(/^Slack answered 0: request failed/);
    expect(failure.message).not.toContain(token);
  });

  it("needs a channel and text; threadTs must be a message ts; a credential without botToken fails clearly", async () => {
    const parse = (p: Record<string, unknown>) => slackMessage.parameters.safeParse(p).success;
    expect(parse({ channel: "C0TEAM", text: "hi" })).toBe(true);
    expect(parse({ channel: "", text: "hi" })).toBe(false);
    expect(parse({ channel: "C0TEAM", text: "" })).toBe(false);
    expect(parse({ channel: "C0TEAM", text: "hi", threadTs: "yesterday" })).toBe(false);
    const ctx = runContext(
      slackMessage,
      { channel: "C0TEAM", text: "hi" },
      { credential: { type: "slackApi", data: {} } },
    );
    await expect(slackMessage.run(ctx)).rejects.toThrow(
      "Slack credential must hold a botToken (check: botToken)",
    );
  });
});
