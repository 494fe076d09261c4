/**
 * vitest globalSetup (runs in Node, outside workerd): a REAL SMTP server (the `smtp-server` package, the
 * server half of Nodemailer) on a free 127.0.0.1 port, so the email node's SMTP dialogue is tested against
 * a real implementation of the protocol, not against a mock of our client. Login required (PLAIN and LOGIN).
 * Three listeners share one inbox: plain SMTP (STARTTLS hidden), and, with the test CA
 * (worker/test/tls/test-certificates.ts, which workerd is told to trust), `tls` (TLS from the first byte, as
 * on port 465) and `starttls` (STARTTLS offered, as on 587), plus `untrusted` (implicit TLS with a
 * self-signed certificate, which must be refused). `tls` is null when openssl is missing.
 *
 *   user `mailer`, password `s3cret-pass`   the only login (535 otherwise; 530 when not logged in)
 *   MAIL FROM blocked@…                     553 refused sender
 *   RCPT TO  nobody@…                       550 unknown user; busy@… 450 try later
 *   a subject containing [reject]           554 at the end of DATA
 * Every accepted message is readable over HTTP: `GET <inboxUrl>/messages?to=<address>` → `[{ envelope,
 * raw, secure }]` (`inject("smtpServer")` gives `{ host, port, inboxUrl, tls }`). All are closed at teardown.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { TestProject } from "vitest/node";
import { testCertificates } from "../tls/test-certificates";

declare module "vitest" {
  export interface ProvidedContext {
    smtpServer: {
      host: string;
      port: number;
      inboxUrl: string;
      /** Ports of the TLS listeners, or null when the test CA could not be made (no openssl). */
      tls: { port: number; starttlsPort: number; untrustedPort: number } | null;
    };
  }
}

interface Received {
  envelope: { from: string; to: string[] };
  raw: string;
  /** Whether the session was encrypted (TLS from the start, or after STARTTLS). */
  secure: boolean;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const inbox: Received[] = [];
  const options: SMTPServerOptions = {
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
        inbox.push({ envelope, raw, secure: session.secure });
        callback(null, "2.0.0 Ok: queued");
      });
    },
  };
  const servers: SMTPServer[] = [];
  const listen = async (extra: SMTPServerOptions) => {
    const server = new SMTPServer({ ...options, ...extra });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.server.address() as AddressInfo).port;
  };
  const smtpPort = await listen({ hideSTARTTLS: true });
  const certs = testCertificates();
  const pair = (cert: string, key: string) => ({ cert: readFileSync(cert), key: readFileSync(key) });
  const tls = certs && {
    port: await listen({ secure: true, ...pair(certs.certPath, certs.keyPath) }),
    starttlsPort: await listen({ ...pair(certs.certPath, certs.keyPath) }),
    untrustedPort: await listen({ secure: true, ...pair(certs.untrustedCertPath, certs.untrustedKeyPath) }),
  };

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
    tls,
  });
  return async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
