import { describe, expect, inject, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import { telegram } from "./telegram";

/** A fresh bot token per test keeps the fake's sent-message logs apart. */
const newToken = () => `${Math.floor(Math.random() * 1e9)}:AAH-${crypto.randomUUID().replaceAll("-", "")}`;
const credential = (botToken: string) => ({
  credential: { type: "telegram", data: { botToken, baseUrl: inject("telegramUrl") } },
});
const sentWith = async (token: string) =>
  (await fetch(`${inject("telegramUrl")}/__sent/${encodeURIComponent(token)}`)).json();

describe("telegram node", () => {
  it("posts { chat_id, text, parse_mode } to /bot<token>/sendMessage and outputs the API's result", async () => {
    const token = newToken();
    const result = await telegram.run(
      runContext(telegram, { chatId: 42, text: "<b>Deploy</b> done", parseMode: "HTML" }, credential(token)),
    );
    const [message] = (await sentWith(token)) as Record<string, unknown>[];
    expect(message).toMatchObject({ chat: { id: 42 }, text: "<b>Deploy</b> done", parse_mode: "HTML" });
    expect(result.output).toEqual({
      message_id: message.message_id,
      chat: { id: 42, type: "private" },
      date: message.date,
      text: "<b>Deploy</b> done",
    });
  });

  it("sends no parse_mode when none is chosen, and accepts a @channel name", async () => {
    const token = newToken();
    await telegram.run(runContext(telegram, { chatId: "@releases", text: "v2 is out" }, credential(token)));
    const [message] = (await sentWith(token)) as Record<string, unknown>[];
    expect(message.chat).toEqual({ id: "@releases", type: "private" });
    expect(message).not.toHaveProperty("parse_mode");
  });

  it("fails with Telegram's description for an unknown chat, without retrying", async () => {
    const token = newToken();
    const run = telegram.run(runContext(telegram, { chatId: 404, text: "hi" }, credential(token)));
    await expect(run).rejects.toThrow("Telegram answered 400: Bad Request: chat not found");
    expect(await sentWith(token)).toEqual([]);
  });

  it("never shows the bot token, which is part of the URL, in its error", async () => {
    const token = `0:revoked-${crypto.randomUUID()}`;
    const error = await telegram
      .run(runContext(telegram, { chatId: 1, text: "hi" }, credential(token)))
      .catch((e) => e);
    expect(error.message).toBe("Telegram answered 401: Unauthorized");
    const offline = await telegram
      .run(
        runContext(
          telegram,
          { chatId: 1, text: "hi" },
          { credential: { type: "telegram", data: { botToken: token, baseUrl: "http://127.0.0.1:8859" } } },
        ),
      )
      .catch((e) => e);
    expect(offline.message).toContain("Telegram answered 0");
    expect(offline.message).not.toContain(token);
  });

  it("refuses to run without a bot token", async () => {
    await expect(telegram.run(runContext(telegram, { chatId: 1, text: "hi" }))).rejects.toThrow(
      "Telegram needs a credential with a botToken",
    );
    expect(() => telegram.parameters.parse({ chatId: 1, text: "" })).toThrow();
  });
});
