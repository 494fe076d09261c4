/**
 * The `fetch` nodes get as `ctx.fetch`. In production it refuses to talk to private networks (SSRF):
 * loopback, private, link-local, carrier-grade NAT and unique-local addresses written as IP literals,
 * `localhost`, `*.localhost` and `*.internal`, and any scheme other than http(s). Redirects are followed
 * by hand so every hop is checked, not only the first URL.
 *
 * Names that resolve to a private address are not caught here: a Worker on Cloudflare's network cannot
 * reach private addresses through `fetch` anyway, so the literal check closes what the platform leaves
 * open (and keeps `wrangler dev`, which can reach them, honest when run with NODEBASE_ENV=production).
 *
 * In development (`NODEBASE_ENV` other than "production") private targets are allowed so tests and local
 * fakes on 127.0.0.1 work; only the scheme is still checked.
 */

const MAX_REDIRECTS = 5;

export class OutboundRequestRefused extends Error {
  constructor(url: string, reason: string) {
    super(`Outbound request to ${url} refused: ${reason}`);
    this.name = "OutboundRequestRefused";
  }
}

/** `send` is the network fetch underneath (the platform's; tests pass a fake to play remote servers). */
export function createOutboundFetch(
  env: { NODEBASE_ENV?: string },
  send: typeof fetch = fetch,
): typeof fetch {
  const production = env.NODEBASE_ENV === "production";
  const outboundFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    checkTarget(request.url, production);
    if (!production || request.redirect !== "follow") return send(request);
    return followCheckedRedirects(request, send);
  };
  return outboundFetch as typeof fetch;
}

/** Follows redirects one hop at a time, checking each target, as `fetch` would with `redirect: "follow"`. */
async function followCheckedRedirects(first: Request, send: typeof fetch): Promise<Response> {
  const body = first.method === "GET" || first.method === "HEAD" ? undefined : await first.arrayBuffer();
  const headers = new Headers(first.headers);
  let url = first.url;
  let method = first.method;
  let sendBody = body;
  for (let hop = 0; ; hop++) {
    const response = await send(url, {
      method,
      headers,
      body: sendBody,
      redirect: "manual",
      signal: first.signal,
    });
    const location = response.headers.get("location");
    if (![301, 302, 303, 307, 308].includes(response.status) || location === null) return response;
    if (hop === MAX_REDIRECTS) throw new OutboundRequestRefused(url, `more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url).toString();
    checkTarget(next, true);
    // As the Fetch standard does: credentials never follow a redirect to another origin…
    if (new URL(next).origin !== new URL(url).origin) {
      for (const name of ["authorization", "cookie", "proxy-authorization"]) headers.delete(name);
    }
    // …and 303 (or 301/302 after a POST) continues as a GET without a body.
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === "POST")
    ) {
      method = method === "HEAD" ? "HEAD" : "GET";
      sendBody = undefined;
      for (const name of [
        "content-type",
        "content-length",
        "content-encoding",
        "content-language",
        "content-location",
      ]) {
        headers.delete(name);
      }
    }
    url = next;
  }
}

function checkTarget(rawUrl: string, production: boolean): void {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundRequestRefused(rawUrl, "not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundRequestRefused(rawUrl, `only http and https are allowed, not ${url.protocol}`);
  }
  if (!production) return;
  const reason = privateHostReason(url.hostname);
  if (reason !== null) throw new OutboundRequestRefused(rawUrl, reason);
}

/** Why a URL host (as `URL.hostname` gives it: lower case, IPv4 normalised, IPv6 in brackets) is private, or null. */
export function privateHostReason(hostname: string): string | null {
  const host = hostname.replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "localhost is a private address";
  if (host.endsWith(".internal")) return "*.internal names are private";
  if (host.startsWith("[") && host.endsWith("]")) {
    return isPrivateIPv6(host.slice(1, -1)) ? "a private, loopback or link-local IPv6 address" : null;
  }
  const v4 = parseIPv4(host);
  if (v4 !== null && isPrivateIPv4(v4)) return "a private, loopback or link-local IPv4 address";
  return null;
}

function parseIPv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function isPrivateIPv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this network", 0.0.0.0 reaches the local host on many systems
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata endpoints
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast and reserved
  );
}

function isPrivateIPv6(address: string): boolean {
  const groups = expandIPv6(address);
  if (groups === null) return true; // unparseable literal: refuse rather than guess
  if (groups.every((g) => g === 0)) return true; // ::
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true; // ::1
  if ((groups[0] & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((groups[0] & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((groups[0] & 0xff00) === 0xff00) return true; // multicast
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address in the last 32 bits.
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (mapped || nat64) {
    return isPrivateIPv4([groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff]);
  }
  return false;
}

/** `URL` already normalises IPv6 (hex groups, `::`, dotted IPv4 tails become hex); this expands `::`. */
function expandIPv6(address: string): number[] | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array(missing).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}
