/**
 * The email message (RFC 5322 + MIME) built with `mimetext` (its browser build: plain JS, no Node APIs):
 * UTF-8 display names and subjects encoded as RFC 2047 words, text and HTML as multipart/alternative.
 * Bodies are base64 so any UTF-8 text and any line length survive every relay. Bcc recipients are never
 * written into the headers: they only get an envelope RCPT TO.
 */
import { createMimeMessage } from "mimetext/browser";

export interface MailContent {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html?: string;
  messageId: string;
}

export function buildMimeMessage(mail: MailContent): string {
  const message = createMimeMessage();
  message.setSender(mail.from);
  message.setTo(mail.to);
  if (mail.cc.length > 0) message.setCc(mail.cc);
  message.setSubject(mail.subject);
  message.setHeader("Message-ID", mail.messageId);
  message.addMessage({ contentType: "text/plain", encoding: "base64", data: base64Lines(mail.text) });
  if (mail.html)
    message.addMessage({ contentType: "text/html", encoding: "base64", data: base64Lines(mail.html) });
  return message.asRaw();
}

/** Base64 of the UTF-8 bytes, in lines of 76 characters (RFC 2045 §6.8). */
function base64Lines(text: string): string {
  const bytes = new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n"));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return (btoa(binary).match(/.{1,76}/g) ?? [""]).join("\r\n");
}

/** The address inside `Name <addr@host>`, or the text itself. */
export function bareAddress(mailbox: string): string {
  const inBrackets = /<([^<>]+)>\s*$/.exec(mailbox);
  return (inBrackets ? inBrackets[1] : mailbox).trim();
}
