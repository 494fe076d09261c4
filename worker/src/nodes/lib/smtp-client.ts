/**
 * A small SMTP client (RFC 5321) over a Workers TCP socket: greeting, EHLO (HELO fallback), STARTTLS
 * (required, never silently skipped, when `security` is "starttls"), AUTH PLAIN or LOGIN, MAIL FROM, one
 * RCPT TO per recipient, DATA with dot-stuffing, QUIT. The message itself is built elsewhere (MIME).
 *
 * Why our own dialogue rather than a Workers SMTP library: the one that exists (worker-mailer) upgrades to
 * STARTTLS only when the server offers it (a downgrade an attacker on the path can force), logs in only
 * when the server advertises AUTH, and reports neither which recipients were accepted nor the server's
 * answers; an SMTP session is a short, well-specified exchange that we can own and test against a real
 * server. See docs/nodes.md#email.
 *
 * Every failure is an `SmtpError` carrying the server's reply code and text and the command it answered
 * ("SMTP server answered 535 to AUTH: 5.7.8 Authentication failed"). 4xx replies are transient and
 * retryable; 5xx replies are permanent (`NonRetryableError`). No error text contains the password.
 */
import { NonRetryableError } from "cloudflare:workflows";
import { OutboundConnectionRefused, type OutboundConnect } from "../../engine/outbound-connect";

export interface SmtpSettings {
  host: string;
  port: number;
  security: "tls" | "starttls" | "none";
  user?: string;
  password?: string;
  /** Name sent with EHLO. */
  clientName?: string;
  /** Per reply. Default 30 s. */
  timeoutMs?: number;
}

export interface SmtpEnvelope {
  from: string;
  recipients: string[];
  /** The whole message (headers and body) with CRLF line ends. */
  data: string;
}

export interface SmtpResult {
  accepted: string[];
  rejected: { recipient: string; reply: string }[];
  /** The server's answer to the end of DATA, e.g. "250 2.0.0 OK: queued as 12345". */
  response: string;
}

interface Reply {
  code: number;
  lines: string[];
}

/** A reply that ended the session, or a connection problem (code 0). */
export class SmtpError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: number,
    readonly command: string,
    readonly reply: string,
  ) {
    super(
      code === 0
        ? `SMTP ${command} failed: ${reply}`
        : `SMTP server answered ${code} to ${command}: ${reply}`,
    );
    this.name = "SmtpError";
    this.retryable = code === 0 || (code >= 400 && code < 500);
  }
}

/** A 5xx reply: retrying the same message cannot help (wrong password, unknown recipient, refused). */
export class PermanentSmtpError extends NonRetryableError {
  readonly retryable = false;
  constructor(
    readonly code: number,
    readonly command: string,
    readonly reply: string,
  ) {
    // The default name: the engine drops it from the text people read, where a class name means nothing.
    super(`SMTP server answered ${code} to ${command}: ${reply}`);
  }
}

const failure = (code: number, command: string, reply: string) =>
  code >= 500 ? new PermanentSmtpError(code, command, reply) : new SmtpError(code, command, reply);

export async function sendSmtp(
  connect: OutboundConnect,
  settings: SmtpSettings,
  envelope: SmtpEnvelope,
): Promise<SmtpResult> {
  const timeoutMs = settings.timeoutMs ?? 30_000;
  let socket: Socket;
  try {
    socket = connect(
      { hostname: settings.host, port: settings.port },
      {
        secureTransport:
          settings.security === "tls" ? "on" : settings.security === "starttls" ? "starttls" : "off",
        allowHalfOpen: false,
      },
    );
  } catch (err) {
    // The private-network rule (production) refused the host: no retry can change that.
    if (err instanceof OutboundConnectionRefused) {
      throw new NonRetryableError(`SMTP connect failed: ${err.message}`);
    }
    throw new SmtpError(0, "connect", `${settings.host}:${settings.port}: ${messageOf(err)}`);
  }
  let session = new SmtpSession(socket, timeoutMs);
  try {
    await session.expect("connect", [220]);
    let extensions = await hello(session, settings.clientName ?? "nodebase");

    if (settings.security === "starttls") {
      if (!extensions.has("STARTTLS")) {
        throw new PermanentSmtpError(
          0,
          "STARTTLS",
          "the server does not offer STARTTLS (security: starttls)",
        );
      }
      await session.command("STARTTLS", [220]);
      session.release();
      session = new SmtpSession(socket.startTls(), timeoutMs);
      extensions = await hello(session, settings.clientName ?? "nodebase");
    }

    if (settings.user !== undefined && settings.password !== undefined) {
      await login(session, extensions, settings.user, settings.password);
    }

    await session.command(`MAIL FROM:<${envelope.from}>`, [250], "MAIL FROM");
    const accepted: string[] = [];
    const rejected: SmtpResult["rejected"] = [];
    for (const recipient of envelope.recipients) {
      const reply = await session.send(`RCPT TO:<${recipient}>`);
      if (reply.code === 250 || reply.code === 251) accepted.push(recipient);
      else rejected.push({ recipient, reply: `${reply.code} ${reply.lines.join(" ")}` });
    }
    if (accepted.length === 0) {
      const first = rejected[0];
      const code = Number(first?.reply.slice(0, 3)) || 550;
      const detail = rejected.map((r) => `${r.recipient}: ${r.reply}`).join("; ");
      throw failure(code, "RCPT TO", `no recipient accepted (${detail})`);
    }
    await session.command("DATA", [354]);
    const done = await session.command(`${dotStuff(envelope.data)}\r\n.`, [250], "end of DATA");
    // The message is accepted now; a failing QUIT must not turn that into an error (and a resend).
    await session.send("QUIT").catch(() => undefined);
    return { accepted, rejected, response: `${done.code} ${done.lines.join(" ")}` };
  } finally {
    session.release();
    await socket.close().catch(() => undefined);
  }
}

async function hello(session: SmtpSession, name: string): Promise<Set<string>> {
  const ehlo = await session.send(`EHLO ${name}`);
  if (ehlo.code === 250) {
    // First line is the greeting; each further line is one extension ("AUTH PLAIN LOGIN", "STARTTLS").
    return new Set(ehlo.lines.slice(1).map((line) => line.toUpperCase()));
  }
  await session.command(`HELO ${name}`, [250], "HELO");
  return new Set();
}

async function login(session: SmtpSession, extensions: Set<string>, user: string, password: string) {
  const auth = [...extensions].find((line) => line.startsWith("AUTH ") || line.startsWith("AUTH="));
  const methods = new Set((auth ?? "").slice(5).split(/\s+/));
  if (!auth) {
    // Sending the password to a server that takes no login would only expose it.
    throw new PermanentSmtpError(
      0,
      "AUTH",
      "the server offers no login (AUTH) but the credential has a user",
    );
  }
  if (methods.has("PLAIN") || !methods.has("LOGIN")) {
    // The reply is quoted in errors; the command (which holds the password) never is.
    await session.command(`AUTH PLAIN ${base64(`\0${user}\0${password}`)}`, [235], "AUTH");
    return;
  }
  await session.command("AUTH LOGIN", [334], "AUTH");
  await session.command(base64(user), [334], "AUTH");
  await session.command(base64(password), [235], "AUTH");
}

/** Lines of the message that start with "." get another one (RFC 5321 §4.5.2), bare LF become CRLF. */
function dotStuff(data: string): string {
  return data
    .replace(/\r?\n/g, "\r\n")
    .split("\r\n")
    .map((line) => (line.startsWith(".") ? `.${line}` : line))
    .join("\r\n");
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reads replies line by line from one stream (a new session after STARTTLS: the old reader is gone). */
class SmtpSession {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #decoder = new TextDecoder();
  #buffer = "";

  constructor(
    socket: Socket,
    readonly timeoutMs: number,
  ) {
    this.#reader = socket.readable.getReader();
    this.#writer = socket.writable.getWriter();
  }

  /** Sends one command and returns the reply, whatever its code. */
  async send(line: string): Promise<Reply> {
    const name = line.split(" ")[0];
    try {
      await this.#writer.write(new TextEncoder().encode(`${line}\r\n`));
    } catch (err) {
      throw new SmtpError(0, name.length <= 10 ? name : "write", `connection lost: ${messageOf(err)}`);
    }
    return this.read(name.length <= 10 ? name : "data");
  }

  /** Sends a command and fails unless the reply code is one of `ok`; `label` names it in errors. */
  async command(line: string, ok: number[], label = line.split(" ")[0]): Promise<Reply> {
    const reply = await this.send(line);
    if (!ok.includes(reply.code)) throw failure(reply.code, label, reply.lines.join(" "));
    return reply;
  }

  async expect(label: string, ok: number[]): Promise<Reply> {
    const reply = await this.read(label);
    if (!ok.includes(reply.code)) throw failure(reply.code, label, reply.lines.join(" "));
    return reply;
  }

  /** One reply: lines "250-..." continue it, the line "250 ..." ends it. */
  async read(label: string): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.#line(label);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) throw new SmtpError(0, label, `not an SMTP reply: ${line.slice(0, 200)}`);
      lines.push(match[3]);
      if (match[2] !== "-") return { code: Number(match[1]), lines };
    }
  }

  async #line(label: string): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\r\n");
      if (end >= 0) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return line;
      }
      const left = deadline - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SmtpError(0, label, `no reply within ${this.timeoutMs} ms`)),
          Math.max(0, left),
        );
      });
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([this.#reader.read(), timeout]);
      } catch (err) {
        if (err instanceof SmtpError) throw err;
        throw new SmtpError(0, label, `connection failed: ${messageOf(err)}`);
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) throw new SmtpError(0, label, "the server closed the connection");
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  release() {
    // Releasing twice, or with a read pending after a failure, throws; the socket is closed next anyway.
    try {
      this.#reader.releaseLock();
      this.#writer.releaseLock();
    } catch {
      /* already released */
    }
  }
}
