/**
 * The email message (RFC 5322 + MIME) built with `mimetext` (its browser build: plain JS, no Node APIs),
 * shared by `email` (sent over SMTP) and `gmail` (sent as Gmail API `raw`), and the zod schemas of their
 * address fields. UTF-8 subjects and display names are RFC 2047 encoded words; text and HTML together are
 * multipart/alternative. Bodies are base64 so any UTF-8 text and any line length survive every relay.
 */
import { createMimeMessage, Mailbox } from "mimetext/browser";
import { z } from "zod";

export interface MailContent {
  /** Omitted: no From header (Gmail writes the connected account's address itself). */
  from?: string;
  to: string[];
  cc: string[];
  /**
   * Written as a Bcc header only when given: Gmail reads the recipients from the headers and strips Bcc
   * before delivery. Over SMTP, blind copies go in the envelope only and are never passed here.
   */
  bcc?: string[];
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  /** Omitted: no Message-ID header (Gmail writes its own). */
  messageId?: string;
}

export function buildMimeMessage(mail: MailContent): string {
  const message = createMimeMessage();
  if (mail.from) message.setSender(mail.from);
  // mimetext requires From and generates a Message-ID from its domain; Gmail needs neither (it writes both).
  else optionalHeader(message, "From");
  if (mail.messageId) message.setHeader("Message-ID", mail.messageId);
  else optionalHeader(message, "Message-ID");
  message.setTo(mail.to);
  if (mail.cc.length > 0) message.setCc(mail.cc);
  if (mail.bcc && mail.bcc.length > 0) message.setBcc(mail.bcc);
  if (mail.replyTo) message.setHeader("Reply-To", new Mailbox(mail.replyTo));
  message.setSubject(mail.subject);
  if (mail.text !== undefined || mail.html === undefined)
    message.addMessage({ contentType: "text/plain", encoding: "base64", data: base64Lines(mail.text ?? "") });
  if (mail.html !== undefined)
    message.addMessage({ contentType: "text/html", encoding: "base64", data: base64Lines(mail.html) });
  return message.asRaw();
}

/** Lets a header that mimetext insists on (From) or generates (Message-ID) be left out. */
function optionalHeader(message: ReturnType<typeof createMimeMessage>, name: string): void {
  const field = message.headers.fields.find((f) => f.name === name);
  if (!field) return;
  field.required = false;
  field.generator = undefined;
}

/** Base64 of the UTF-8 bytes, in lines of 76 characters (RFC 2045 §6.8). */
function base64Lines(text: string): string {
  const encoded = base64(new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n")));
  return (encoded.match(/.{1,76}/g) ?? [""]).join("\r\n");
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The address inside `Name <addr@host>`, or the text itself. */
export function bareAddress(mailbox: string): string {
  const inBrackets = /<([^<>]+)>\s*$/.exec(mailbox);
  return (inBrackets ? inBrackets[1] : mailbox).trim();
}

/** A mailbox: `addr@host` or `Name <addr@host>`, on one line (a line break would inject headers). */
export const mailboxSchema = z
  .string()
  .trim()
  .refine((value) => !/[\r\n]/.test(value), "must be on one line")
  .refine((value) => /^[^\s@<>]+@[^\s@<>]+$/.test(bareAddress(value)), "must be an email address");

/** One address, several separated by commas or semicolons, or a list. */
export const recipientsSchema = (description: string) =>
  z
    .union([
      z.string().transform((value) =>
        value
          .split(/[,;]/)
          .map((part) => part.trim())
          .filter(Boolean),
      ),
      z.array(z.string()),
    ])
    .pipe(z.array(mailboxSchema))
    .describe(description);

/** A subject: any UTF-8 text on one line. */
export const subjectSchema = z
  .string()
  .refine((value) => !/[\r\n]/.test(value), "must be on one line")
  .describe("Subject (any UTF-8 text; may use {{ }} expressions)");
