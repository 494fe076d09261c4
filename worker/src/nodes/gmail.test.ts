import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, inject, it } from "vitest";
import { runContext } from "../../test/fakes/run-context";
import type { SentMail } from "../../test/fakes/google-api.global";
import { resolveNodeParameters } from "../engine/node-parameters";
import { ConnectorError } from "./lib/json-api";
import { gmail } from "./gmail";

/** Against a server shaped like Gmail's API (worker/test/fakes/google-api.global.ts). */
const apiBaseUrl = inject("googleApiUrl");
const ACCOUNT = "ann.tester@gmail.test";
const account = (accessToken = "ya29.a0-live-token") => ({
  credential: { type: "oauth2", data: { preset: "google", accessToken, tokenType: "Bearer", apiBaseUrl } },
});
const send = (params: Record<string, unknown>, token?: string) =>
  gmail.run(runContext(gmail, params, account(token)));
/** What the fake Gmail received for the message `id`. */
const sentMail = async (id: unknown) =>
  (await (await fetch(`${apiBaseUrl}/__gmail/messages/${String(id)}`)).json()) as SentMail;
/** The raw (still encoded) value of a header of the message as sent. */
const rawHeader = (raw: string, name: string) =>
  new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, "mi").exec(raw)?.[1]?.replace(/\r\n[ \t]/g, " ");

describe("gmail node", () => {
  it("sends a text email to several recipients with cc and bcc and a UTF-8 subject; outputs Gmail's ids", async () => {
    const result = await send({
      to: "ann@example.test, Bob Müller <bob@example.test>",
      cc: ["cat@example.test"],
      bcc: "hid@example.test; hid2@example.test",
      subject: "Grüße — état ✓ 日本",
      body: "Zeile eins\nÄnde ✓",
    });
    const output = result.output as { id: string; threadId: string; labelIds: string[] };
    expect(output).toEqual({ id: expect.stringMatching(/^18c/), threadId: output.id, labelIds: ["SENT"] });

    const mail = await sentMail(output.id);
    // Gmail delivers to To, Cc and Bcc; the Bcc header is what tells it the blind copies.
    expect(mail.recipients).toEqual([
      "ann@example.test",
      "bob@example.test",
      "cat@example.test",
      "hid@example.test",
      "hid2@example.test",
    ]);
    expect(mail.headers.to).toBe("<ann@example.test>, Bob Müller <bob@example.test>");
    expect(mail.headers.cc).toBe("<cat@example.test>");
    expect(mail.headers.bcc).toBe("<hid@example.test>, <hid2@example.test>");
    expect(mail.headers.subject).toBe("Grüße — état ✓ 日本");
    expect(mail.headers["content-type"]).toMatch(/^text\/plain; charset=UTF-8/i);
    expect(mail.body).toBe("Zeile eins\r\nÄnde ✓");
    // No From: Gmail sends it from the connected account; no header carries raw 8-bit text.
    expect(mail.headers.from).toBeUndefined();
    expect(mail.from).toBe(ACCOUNT);
    const head = mail.raw.slice(0, mail.raw.indexOf("\r\n\r\n"));
    expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    expect(rawHeader(mail.raw, "Subject")).toMatch(/^=\?utf-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(rawHeader(mail.raw, "To")).toMatch(
      /^<ann@example\.test>,\s+=\?utf-8\?B\?[^?]+\?= <bob@example\.test>$/,
    );
  });

  it("sends HTML with a sender name (beside the account's address) and a Reply-To", async () => {
    const result = await send({
      to: ["ann@example.test"],
      subject: "Report",
      body: "<p><b>rich</b> ✓</p>",
      bodyType: "html",
      senderName: "Équipe Nodebase",
      replyTo: "Support <help@example.test>",
    });
    const mail = await sentMail((result.output as { id: string }).id);
    expect(mail.headers["content-type"]).toMatch(/^text\/html/);
    expect(mail.body).toBe("<p><b>rich</b> ✓</p>");
    expect(mail.headers.from).toBe(`Équipe Nodebase <${ACCOUNT}>`);
    expect(rawHeader(mail.raw, "From")).toMatch(/^=\?utf-8\?B\?[^?]+\?= <ann\.tester@gmail\.test>$/);
    expect(mail.headers["reply-to"]).toBe("Support <help@example.test>");
  });

  it("senderName without the email scope fails at once, before anything is sent", async () => {
    const failure = await send(
      { to: "ann@example.test", subject: "s", body: "b", senderName: "Bot" },
      "ya29.noemail-1",
    ).catch((e) => e);
    expect(failure).toBeInstanceOf(NonRetryableError);
    expect(failure.message).toBe(
      "Gmail: senderName needs the account's address, and Google gave none: add the scope email to the Google credential's scopes and press Connect again",
    );
  });

  it("fails at once with Google's words: missing gmail.send scope, revoked grant; never shows the token", async () => {
    for (const [token, message] of [
      [
        "ya29.noscope-secret-1",
        "Gmail answered 403: Request had insufficient authentication scopes. (the Google credential needs the scope https://www.googleapis.com/auth/gmail.send: add it to its scopes and press Connect again)",
      ],
      [
        "ya29.revoked-secret-2",
        expect.stringMatching(
          /^Gmail answered 401: Request had invalid authentication credentials\..*\(press Connect again on the Google credential\)$/,
        ),
      ],
    ] as const) {
      const failure = await send({ to: "ann@example.test", subject: "s", body: "b" }, token).catch((e) => e);
      expect(failure).toBeInstanceOf(NonRetryableError);
      expect(failure.message).toEqual(message);
      expect(failure.message).not.toContain(token);
    }
  });

  it("a message Gmail refuses (400) fails at once with its words", async () => {
    // An address our schema accepts but Gmail does not (no dot in the domain): Gmail's check is the last word.
    const failure = await send({ to: "ann@localhost", subject: "s", body: "b" }).catch((e) => e);
    expect(failure).toBeInstanceOf(NonRetryableError);
    expect(failure.message).toBe("Gmail answered 400: Invalid To header");
  });

  it("a rate limit (429, Retry-After) is made once and left to the node's retry policy", async () => {
    const failure = await send({ to: "ann@example.test", subject: "s", body: "b" }, "ya29.busy-1").catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure.message).toBe(
      "Gmail answered 429: User-rate limit exceeded.  Retry after 2026-12-02T18:00:30.000Z",
    );
    expect(gmail.idempotent).toBe(false);
  });

  it("checks its parameters (naming the field) and its credential", async () => {
    const parse = (p: Record<string, unknown>) =>
      gmail.parameters.safeParse({ to: "a@x.test", subject: "s", body: "b", ...p });
    expect(parse({}).data).toMatchObject({ to: ["a@x.test"], cc: [], bcc: [], bodyType: "text" });
    expect(parse({ to: "" }).error?.issues[0]).toMatchObject({
      path: ["to"],
      message: "needs at least one recipient",
    });
    expect(parse({ to: "a@x.test, not-an-address" }).error?.issues[0]).toMatchObject({
      path: ["to", 1],
      message: "must be an email address",
    });
    expect(parse({ cc: "x@y.test\r\nBcc: evil@z.test" }).error?.issues[0]).toMatchObject({ path: ["cc", 0] });
    expect(parse({ subject: "a\r\nBcc: evil@z.test" }).error?.issues[0]).toMatchObject({ path: ["subject"] });
    expect(parse({ replyTo: "nope" }).error?.issues[0]).toMatchObject({ path: ["replyTo"] });
    expect(parse({ senderName: "Eve <evil@z.test>" }).error?.issues[0]).toMatchObject({
      path: ["senderName"],
    });
    expect(parse({ bodyType: "markdown" }).success).toBe(false);
    expect(parse({ sendTo: "a@x.test" }).success).toBe(false);

    // At run time, after `{{ }}` is evaluated, the engine names the node and the field.
    const atRunTime = await resolveNodeParameters(
      gmail,
      {
        id: "n1",
        name: "Mail the lead",
        type: "gmail",
        parameters: { to: "{{ $json.email }}", subject: "s", body: "b" },
      },
      {
        json: { email: "not-an-address" },
        nodes: {},
        trigger: null,
        execution: { id: "e1", workflowId: "w1" },
      },
    ).catch((e: Error) => e);
    expect(atRunTime).toBeInstanceOf(NonRetryableError);
    expect((atRunTime as Error).message).toBe(
      'Invalid parameters for node "Mail the lead": to.0: must be an email address',
    );

    const noAccount = await gmail
      .run(
        runContext(
          gmail,
          { to: "a@x.test", subject: "s", body: "b" },
          { credential: { type: "oauth2", data: {} } },
        ),
      )
      .catch((e) => e);
    expect(noAccount.message).toMatch(/^Gmail credential must hold a connected Google account/);
  });
});
