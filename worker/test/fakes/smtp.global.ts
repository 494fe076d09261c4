/**
 * vitest globalSetup (runs in Node, outside workerd): a REAL SMTP server (the `smtp-server` package, the
 * server half of Nodemailer) on a free 127.0.0.1 port, so the email node's SMTP dialogue is tested against
 * a real implementation of the protocol, not against a mock of our client. Plain SMTP (STARTTLS hidden:
 * workerd would refuse its self-signed certificate), login required (PLAIN and LOGIN).
 *
 *   user `mailer`, password `s3cret-pass`   the only login (535 otherwise; 530 when not logged in)
 *   MAIL FROM blocked@…                     553 refused sender
 *   RCPT TO  nobody@…                       550 unknown user; busy@… 450 try later
 *   a subject containing [reject]           554 at the end of DATA
 * Every accepted message is readable over HTTP: `GET <inboxUrl>/messages?to=<address>` → `[{ envelope,
 * raw }]` (`inject("smtpServer")` gives `{ host, port, inboxUrl }`). Both servers are closed at teardown.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    smtpServer: { host: string; port: number; inboxUrl: string };
  }
}

interface Received {
  envelope: { from: string; to: string[] };
  raw: string;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const inbox: Received[] = [];
  const smtp = new SMTPServer({
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "mailer" && auth.password === "s3cret-pass")
        return callback(null, { user: "mailer" });
      callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
    },
    onMailFrom(address, _session, callback) {
      if (address.address.startsWith("blocked@"))
        return callback(Object.assign(new Error("5.7.1 Sender address rejected"), { responseCode: 553 }));
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("nobody@"))
        return callback(Object.assign(new Error("5.1.1 User unknown"), { responseCode: 550 }));
      if (address.address.startsWith("busy@"))
        return callback(Object.assign(new Error("4.2.1 Mailbox busy, try later"), { responseCode: 450 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        if (/^Subject:.*\[reject\]/im.test(raw) || raw.includes("W3JlamVjdF0")) {
          return callback(Object.assign(new Error("5.6.0 Message content rejected"), { responseCode: 554 }));
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        inbox.push({ envelope, raw });
        callback(null, "2.0.0 Ok: queued");
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://inbox");
    const to = url.searchParams.get("to");
    const found = inbox.filter((m) => !to || m.envelope.to.includes(to));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(found));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const httpPort = (http.address() as AddressInfo).port;

  project.provide("smtpServer", {
    host: "127.0.0.1",
    port: smtpPort,
    inboxUrl: `http://127.0.0.1:${httpPort}`,
  });
  return async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  };
}
