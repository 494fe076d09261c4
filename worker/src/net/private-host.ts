/**
 * The one SSRF rule (production): which hosts a node, an OAuth2 provider URL or any other outbound call
 * may not reach. Every caller asks `privateHostReason`; IP literals are classified by `ipaddr.js`, which
 * knows the special ranges (loopback, private, link-local, CGNAT, unique-local, multicast, reserved, and
 * the IPv6 forms that carry an IPv4 address: `::ffff:…`, `::ffff:0:…`, NAT64 `64:ff9b::/96` and
 * `64:ff9b:1::/48`, 6to4, Teredo). Only ordinary public unicast addresses pass.
 *
 * Names that resolve to a private address are not caught here: a Worker on Cloudflare's network cannot
 * reach private addresses through `fetch`, so the literal check closes what the platform leaves open.
 */
import ipaddr from "ipaddr.js";

/**
 * Why a host (as `URL.hostname` gives it: lower case, IPv4 normalised, IPv6 in brackets) must not be
 * called, or null when it may.
 * @example privateHostReason("[::ffff:0:7f00:1]") // "a private address (IPv6 rfc6145 range)"
 */
export function privateHostReason(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "localhost is a private address";
  if (host.endsWith(".internal")) return "*.internal names are private";
  const literal = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (!ipaddr.isValid(literal)) {
    // A bracketed host that is not an IPv6 address cannot be classified: refuse rather than guess.
    return literal === host ? null : "an IPv6 literal that cannot be read";
  }
  // Only dotted-quad IPv4 counts as an IP literal here; `URL` has already turned `0x7f.1` into it.
  if (literal === host && !ipaddr.IPv4.isValidFourPartDecimal(literal)) return null;
  const address = ipaddr.parse(literal);
  let range: string = address.range();
  // `::a.b.c.d` (IPv4-compatible, deprecated) is not one of the library's ranges; it carries an IPv4 too.
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) {
    range = "ipv4Compatible";
  }
  if (range === "unicast") return null;
  return `a private address (${address.kind() === "ipv6" ? "IPv6" : "IPv4"} ${range} range)`;
}
