import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { bytesToBase64Url } from "../credentials/cipher";
import { defineNode } from "./node-type";
import { googleAccount, googleErrorText } from "./lib/google";
import { callJsonApi } from "./lib/json-api";
import { buildMimeMessage, mailboxSchema, recipientsSchema, subjectSchema } from "./lib/mime-message";

const GMAIL_API = "https://gmail.googleapis.com";
/** Where `senderName` finds the account's address (the preset's default `email` scope is enough). */
const USERINFO_API = "https://www.googleapis.com";
export const GMAIL_SEND_SCOPE = "https://www.googleapis.com/auth/gmail.send";

/**
 * Gmail API `users.messages.send`: the message is built as RFC 5322 + MIME (the `email` node's builder)
 * and sent as `{ raw: base64url }`, so it leaves from the connected Google account and lands in its Sent
 * folder. The fields follow n8n's Gmail node (_Message → Send_: sendTo, subject, message, emailType,
 * ccList, bccList, replyTo, senderName), named like our `email` node. Token: an `oauth2` credential
 * connected with the `google` preset and the gmail.send scope.
 */
export const gmail = defineNode({
  type: "gmail",
  version: 1,
  title: "Gmail",
  description:
    "Sends an email from a connected Gmail account (Gmail API). Outputs Gmail's { id, threadId, labelIds }.",
  category: "communication",
  icon: "mail",
  parameters: z
    .object({
      to: recipientsSchema("Recipients: a@x.com, B <b@y.com> (comma-separated or a list)").refine(
        (list) => list.length > 0,
        "needs at least one recipient",
      ),
      subject: subjectSchema,
      body: z.string().describe("The message (may use {{ }} expressions)"),
      bodyType: z.enum(["text", "html"]).default("text").describe("text: plain text; html: the body is HTML"),
      cc: recipientsSchema("Copy to (shown to every recipient)").default([]),
      bcc: recipientsSchema("Blind copy to (Gmail never shows them to the other recipients)").default([]),
      replyTo: mailboxSchema.optional().describe("Where replies go, when not to the sending account"),
      senderName: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .refine((value) => !/[\r\n<>"]/.test(value), "must be a name on one line, without < > or quotes")
        .optional()
        .describe("The name shown beside the account's address (default: the account's own)"),
    })
    .strict(),
  credential: { types: ["oauth2"], required: true },
  outputs: ["main"],
  // A repeated call sends the email twice: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const { token, apiBaseUrl } = googleAccount(ctx.credential, "Gmail");
    const p = ctx.params;
    const common = {
      service: "Gmail",
      auth: { bearer: token },
      fetch: ctx.fetch,
      signal: ctx.signal,
      timeoutMs: 30_000,
    } as const;

    // Gmail writes the account's address as From; a display name needs that address to stand beside.
    let from: string | undefined;
    if (p.senderName) {
      const info = await callJsonApi({
        ...common,
        method: "GET",
        baseUrl: apiBaseUrl ?? USERINFO_API,
        path: "/oauth2/v3/userinfo",
        errorText: googleErrorText("email"),
      });
      const address = (info.body as { email?: unknown } | null)?.email;
      if (typeof address !== "string" || address === "") {
        throw new NonRetryableError(
          "Gmail: senderName needs the account's address, and Google gave none: add the scope email to the Google credential's scopes and press Connect again",
        );
      }
      from = `${p.senderName} <${address}>`;
    }

    const mime = buildMimeMessage({
      from,
      to: p.to,
      cc: p.cc,
      bcc: p.bcc,
      replyTo: p.replyTo,
      subject: p.subject,
      ...(p.bodyType === "html" ? { html: p.body } : { text: p.body }),
    });
    const answer = await callJsonApi({
      ...common,
      method: "POST",
      baseUrl: apiBaseUrl ?? GMAIL_API,
      path: "/gmail/v1/users/me/messages/send",
      // Gmail's `raw`: the message's UTF-8 bytes in base64url (RFC 4648 §5), no padding.
      body: { raw: bytesToBase64Url(new TextEncoder().encode(mime)) },
      errorText: googleErrorText(GMAIL_SEND_SCOPE),
      maxAttempts: 1,
    });
    const sent = answer.body as { id?: string; threadId?: string; labelIds?: string[] };
    return {
      output: { id: sent.id ?? null, threadId: sent.threadId ?? null, labelIds: sent.labelIds ?? [] },
    };
  },
});
