import { z } from "zod";
import { defineNode } from "./node-type";
import { readCredential } from "./lib/credential";
import {
  bareAddress,
  buildMimeMessage,
  recipientsSchema as recipients,
  subjectSchema,
} from "./lib/mime-message";
import { sendSmtp } from "./lib/smtp-client";

const smtpCredential = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  security: z.enum(["tls", "starttls", "none"]),
  user: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  from: z.string().min(3),
});

/** Sends an email over SMTP (TCP socket from the Worker): STARTTLS, implicit TLS, or plain for local servers. */
export const email = defineNode({
  type: "email",
  version: 1,
  title: "Send Email",
  description: "Sends an email through an SMTP server. Outputs { accepted, rejected, messageId, response }.",
  category: "communication",
  icon: "mail",
  parameters: z
    .object({
      to: recipients("Recipients: a@x.com, B <b@y.com> (comma-separated or a list)").refine(
        (list) => list.length > 0,
        "needs at least one recipient",
      ),
      cc: recipients("Copy to (shown to every recipient)").default([]),
      bcc: recipients("Blind copy to (never shown in the message)").default([]),
      subject: subjectSchema,
      text: z.string().describe("Plain-text body"),
      html: z.string().optional().describe("HTML body (sent next to the text one; mail apps pick one)"),
    })
    .strict(),
  credential: { types: ["smtp"], required: true },
  outputs: ["main"],
  // A repeated call sends the email twice: retried only by the node's own policy.
  idempotent: false,
  async run(ctx) {
    const smtp = readCredential(
      ctx.credential,
      smtpCredential,
      "Email",
      "an SMTP host, port, security and from",
    );
    if (!ctx.connect) throw new Error("Email needs TCP sockets, which this runtime does not provide");
    const { to, cc, bcc, subject, text, html } = ctx.params;
    const from = bareAddress(smtp.from);
    // Unique per execution and node, so a replayed step sends the same Message-ID (receivers can dedupe).
    const messageId = `<${ctx.execution.id}.${ctx.node.id}@${from.split("@")[1] ?? "nodebase"}>`;
    const data = buildMimeMessage({ from: smtp.from, to, cc, subject, text, html, messageId });
    const result = await sendSmtp(
      ctx.connect,
      { host: smtp.host, port: smtp.port, security: smtp.security, user: smtp.user, password: smtp.password },
      { from, recipients: [...to, ...cc, ...bcc].map(bareAddress), data },
    );
    return { output: { ...result, messageId } };
  },
});
