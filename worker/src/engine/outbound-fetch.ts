/**
 * `ctx.fetch` for nodes that call the outside world. In production it refuses private, loopback and
 * link-local targets (SSRF: a workflow must not reach the platform's own network); in development it
 * allows them so tests can talk to fake servers on 127.0.0.1.
 *
 * Limits, stated plainly: Workers cannot resolve DNS before connecting, so a public name that resolves
 * to a private address is not caught here; Cloudflare's network does not route to private ranges anyway.
 */
export function createOutboundFetch(env: Env): typeof fetch {
  if (env.NODEBASE_ENV !== "production") return (input, init) => fetch(input, init);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!["http:", "https:"].includes(url.protocol)) {
      return Promise.reject(
        new Error(`Outbound request refused: only http and https are allowed (${url.protocol})`),
      );
    }
    if (isPrivateHost(url.hostname)) {
      return Promise.reject(
        new Error(`Outbound request refused: ${url.hostname} is a private or local address`),
      );
    }
    return fetch(input, init);
  };
}

/** True for localhost names and IPv4/IPv6 literals in loopback, private, link-local or unspecified ranges. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".local") ||
    host.endsWith(".internal")
  ) {
    return true;
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (host.includes(":")) {
    if (host === "::" || host === "::1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (mapped) return isPrivateHost(mapped[1]);
    return /^(fc|fd|fe8|fe9|fea|feb)/.test(host);
  }
  return false;
}
