import { describe, expect, it } from "vitest";
import { importOne, rl, withCredential } from "./import-one.test-helper";

describe("n8n import: Slack", () => {
  it("v2 message post to a channel becomes the bot-token node, converted, thread kept", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.slack",
      typeVersion: 2.2,
      ...withCredential("slackApi"),
      parameters: {
        select: "channel",
        channelId: rl("C0123ABCD", "list", "#alerts"),
        text: "=Order {{ $json.id }} shipped",
        otherOptions: { thread_ts: { replyValues: { thread_ts: "1767000000.000100" } } },
      },
    });
    expect(app.type).toBe("slackMessage");
    expect(app.parameters).toEqual({
      channel: "C0123ABCD",
      text: "Order {{ $json.id }} shipped",
      threadTs: "1767000000.000100",
    });
    expect(entry).toEqual({
      nodeName: "App",
      status: "converted",
      message: "became slackMessage; credentials are not imported: pick a slackApi (bot token) credential",
    });
  });

  it("a channel by name gets its #, a user by id is a DM, blocks are reported, update is unsupported", () => {
    const byName = importOne({
      type: "n8n-nodes-base.slack",
      typeVersion: 2.1,
      parameters: { channelId: rl("general", "name"), messageType: "block", text: "Fallback" },
    });
    expect(byName.app.parameters).toEqual({ channel: "#general", text: "Fallback" });
    expect(byName.entry.message).toContain("its block content is not kept");
    const dm = importOne({
      type: "n8n-nodes-base.slack",
      typeVersion: 2.2,
      parameters: { select: "user", user: rl("U0123ABCD", "id"), text: "hi" },
    });
    expect(dm.app.parameters).toEqual({ channel: "U0123ABCD", text: "hi" });
    const v1 = importOne({
      type: "n8n-nodes-base.slack",
      typeVersion: 1,
      parameters: { channel: "ops", text: "hi", otherOptions: {} },
    });
    expect(v1.app.parameters).toEqual({ channel: "#ops", text: "hi" });
    const update = importOne({
      type: "n8n-nodes-base.slack",
      typeVersion: 2.2,
      parameters: { operation: "update", channelId: rl("C1"), ts: "1.2", text: "x" },
    });
    expect(update.entry.message).toBe(
      "Slack message: update has no Nodebase equivalent (posting a message has)",
    );
  });
});

describe("n8n import: Gmail", () => {
  it("v2.1 message send: recipients, html by n8n's default, copies, sender name; attribution reported", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.gmail",
      typeVersion: 2.1,
      webhookId: "0b1c2d3e-0000-4000-8000-000000000001",
      ...withCredential("gmailOAuth2"),
      parameters: {
        sendTo: "={{ $json.email }}",
        subject: "Welcome",
        message: "=<p>Hi {{ $json.name }}</p>",
        options: { ccList: "team@example.com", senderName: "Acme" },
      },
    });
    expect(app.type).toBe("gmail");
    expect(app.parameters).toEqual({
      to: "{{ $json.email }}",
      subject: "Welcome",
      body: "<p>Hi {{ $json.name }}</p>",
      bodyType: "html",
      cc: "team@example.com",
      senderName: "Acme",
    });
    expect(entry.status).toBe("approximated");
    expect(entry.message).toContain("sent automatically with n8n");
    expect(entry.message).toContain("pick a oauth2 (Google preset, gmail.send scope) credential");
  });

  it("v2.0 text without attribution converts; reply stays unsupported", () => {
    const { app, entry } = importOne({
      type: "n8n-nodes-base.gmail",
      typeVersion: 2,
      parameters: {
        sendTo: "a@example.com",
        subject: "Hi",
        message: "Plain",
        options: { appendAttribution: false },
      },
    });
    expect(app.parameters).toMatchObject({ to: "a@example.com", bodyType: "text" });
    expect(entry.status).toBe("converted");
    const reply = importOne({
      type: "n8n-nodes-base.gmail",
      typeVersion: 2.1,
      parameters: { operation: "reply", messageId: "1", message: "x" },
    });
    expect(reply.entry.message).toBe(
      "Gmail message: reply has no Nodebase equivalent (sending a message has)",
    );
  });
});
