/**
 * The TCP sockets nodes get as `ctx.connect` (SMTP for `email`, PostgreSQL for `postgres`): the platform's
 * `connect` from `cloudflare:sockets`, with the same SSRF rule as `ctx.fetch` (net/private-host.ts): in
 * production a private, loopback or link-local host is refused; in development (`NODEBASE_ENV` other than
 * "production") it is allowed so tests and local servers on 127.0.0.1 work.
 */
import { connect } from "cloudflare:sockets";
import { privateHostReason } from "../net/private-host";

export interface OutboundConnect {
  (address: { hostname: string; port: number }, options?: SocketOptions): Socket;
  /** Throws when `hostname` may not be reached (for drivers that open their sockets themselves). */
  assertAllowed(hostname: string): void;
}

export class OutboundConnectionRefused extends Error {
  constructor(hostname: string, reason: string) {
    super(`Connection to ${hostname} refused: ${reason}`);
    this.name = "OutboundConnectionRefused";
  }
}

export function createOutboundConnect(env: { NODEBASE_ENV?: string }): OutboundConnect {
  const production = env.NODEBASE_ENV === "production";
  const assertAllowed = (hostname: string) => {
    if (!production) return;
    // URL parsing normalises the host the way the fetch rule expects it (lower case, IPv4 dotted, [v6]).
    const normalised = new URL(`tcp://${hostname.includes(":") ? `[${hostname}]` : hostname}`).hostname;
    const reason = privateHostReason(normalised);
    if (reason) throw new OutboundConnectionRefused(hostname, reason);
  };
  const open = (address: { hostname: string; port: number }, options?: SocketOptions) => {
    assertAllowed(address.hostname);
    return connect(address, options);
  };
  return Object.assign(open, { assertAllowed });
}
