import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, it } from "vitest";
import { runNode } from "../../test/node-context";
import { NOBODY_WAITS, type WebhookAnswer } from "../engine/webhook-answer";
import { buildAnswer, respondToWebhook } from "./respond-to-webhook";

const params = (p: unknown) => respondToWebhook.parameters.safeParse(p);

describe("respondToWebhook", () => {
  it("hands its answer to ctx.respond and outputs its input, logging what it answered", async () => {
    const sent: WebhookAnswer[] = [];
    const result = await runNode(
      respondToWebhook,
      { status: 201, headers: { "X-Order": "7" }, body: { ok: true } },
      {
        input: { order: 7 },
        respond: async (answer) => {
          sent.push(answer);
          return { answered: true };
        },
      },
    );
    expect(sent).toEqual([
      { status: 201, headers: { "x-order": "7", "content-type": "application/json" }, body: '{"ok":true}' },
    ]);
    expect(result.output).toEqual({ order: 7 });
    expect(result.logs).toEqual([
      { level: "info", message: expect.stringMatching(/^Answered the webhook call: status 201/) },
    ]);
  });

  it("without a waiting caller it passes through and records what it would have answered", async () => {
    const result = await runNode(respondToWebhook, { body: "hi" }, { input: [1, 2] });
    expect(result.output).toEqual([1, 2]);
    expect(result.logs![0].message).toBe(
      `Did not answer, ${NOBODY_WAITS}. Would have answered: status 200, headers {"content-type":"text/plain; charset=utf-8"}, body hi`,
    );
  });

  it("a later node is told who answered and says so", async () => {
    const result = await runNode(
      respondToWebhook,
      {},
      {
        input: { a: 1 },
        respond: async () => ({
          answered: false,
          reason: 'the webhook call was already answered by node "First"',
        }),
      },
    );
    expect(result.output).toEqual({ a: 1 });
    expect(result.logs![0].message).toMatch(
      /^Did not answer, the webhook call was already answered by node "First"\./,
    );
  });

  it("content type: JSON for non-strings, text for strings, a given content-type kept, no body when empty or 204", () => {
    const p = (status: number, headers: Record<string, string> = {}) => ({ status, headers });
    expect(buildAnswer(p(200), { a: 1 })).toEqual({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(buildAnswer(p(200), null).body).toBe("null");
    expect(buildAnswer(p(200), 42).headers["content-type"]).toBe("application/json");
    expect(buildAnswer(p(200), "plain").headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(buildAnswer(p(200, { "Content-Type": "text/html" }), "<b>hi</b>")).toEqual({
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<b>hi</b>",
    });
    expect(buildAnswer(p(200, { "content-type": "application/vnd.api+json" }), { a: 1 }).headers).toEqual({
      "content-type": "application/vnd.api+json",
    });
    expect(buildAnswer(p(200), "")).toEqual({ status: 200, headers: {}, body: null });
    expect(buildAnswer(p(204), { a: 1 }).body).toBeNull();
  });

  it("with no body parameter the answer is the node's input", async () => {
    let got: WebhookAnswer | undefined;
    await runNode(
      respondToWebhook,
      {},
      {
        input: { id: 3 },
        respond: async (answer) => ((got = answer), { answered: true }),
      },
    );
    expect(got).toEqual({ status: 200, headers: { "content-type": "application/json" }, body: '{"id":3}' });
  });

  it("refuses statuses outside 200–599 and non-integers", () => {
    expect(params({ status: 200 }).success).toBe(true);
    expect(params({ status: 599 }).success).toBe(true);
    for (const status of [100, 199, 600, 201.5])
      expect(params({ status }).success, String(status)).toBe(false);
  });

  it("refuses framing headers, headers that act on the app, and script or style content types, naming the header", () => {
    for (const name of [
      "Content-Length",
      "transfer-encoding",
      "Connection",
      "Set-Cookie",
      "clear-site-data",
      "Content-Security-Policy",
      "Strict-Transport-Security",
    ]) {
      const parsed = params({ headers: { [name]: "x" } });
      expect(parsed.success, name).toBe(false);
      expect(parsed.error!.issues[0].path).toEqual(["headers", name]);
      expect(parsed.error!.issues[0].message).toContain(name.toLowerCase());
    }
    for (const type of [
      "text/javascript",
      "application/javascript; charset=utf-8",
      "text/css",
      "application/x-javascript",
    ]) {
      expect(params({ headers: { "content-type": type } }).success, type).toBe(false);
    }
    expect(params({ headers: { "bad name": "x" } }).success).toBe(false);
    expect(
      params({ headers: { "content-type": "text/html", "access-control-allow-origin": "*" } }).success,
    ).toBe(true);
  });

  it("fails without retry when the body is over the limit or a header value cannot be sent", () => {
    expect(() => buildAnswer({ status: 200, headers: {} }, "x".repeat(1024 * 1024 + 1))).toThrow(
      NonRetryableError,
    );
    expect(() => buildAnswer({ status: 200, headers: { "x-a": "line\nbreak" } }, "")).toThrow(
      NonRetryableError,
    );
  });
});
