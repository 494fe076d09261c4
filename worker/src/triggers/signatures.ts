/**
 * Signature and secret checks for incoming calls. Every comparison of a secret or a MAC is constant-time,
 * so a caller cannot learn a correct value byte by byte from response times.
 */

const encoder = new TextEncoder();

/** Constant-time string equality (the length may leak; the content does not). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) {
    // Still do the work of a comparison so a length mismatch costs about the same.
    crypto.subtle.timingSafeEqual(left, left);
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}

export async function hmacSha256Hex(secret: string, message: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const data = typeof message === "string" ? encoder.encode(message) : message;
  const mac = await crypto.subtle.sign("HMAC", key, data);
  return [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The header a caller signs a webhook body with when its credential holds an `hmacSecret`. */
export const NODEBASE_SIGNATURE_HEADER = "x-nodebase-signature";
/** GitHub signs each delivery with the webhook's secret in this header. */
export const GITHUB_SIGNATURE_HEADER = "x-hub-signature-256";

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>`: the format of both `X-Nodebase-Signature` (webhookAuth in
 * HMAC mode) and GitHub's `X-Hub-Signature-256`.
 */
export async function verifySha256Signature(header: string | null, secret: string, rawBody: Uint8Array) {
  if (!header) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  return constantTimeEqual(match[1].toLowerCase(), await hmacSha256Hex(secret, rawBody));
}

/** Optional: the unix time a caller signed at; the signature then covers `<timestamp>.<raw body>`. */
export const NODEBASE_TIMESTAMP_HEADER = "x-nodebase-timestamp";
/** How far a signed timestamp may be from now: as Stripe's, 5 minutes. */
export const NODEBASE_TOLERANCE_SECONDS = 300;

export type NodebaseVerdict =
  { ok: true; timestamped: boolean; signature: string } | { ok: false; message: string };

/**
 * Checks `X-Nodebase-Signature`, with or without `X-Nodebase-Timestamp`. With one, the MAC is over
 * `<timestamp>.<raw body>` and the timestamp must be within 300 s of now, so a captured call cannot be
 * replayed later (and the caller refuses the same signature twice within the window).
 */
export async function verifyTimestampedSignature(
  headers: Headers,
  secret: string,
  rawBody: Uint8Array,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<NodebaseVerdict> {
  const header = headers.get(NODEBASE_SIGNATURE_HEADER);
  const match = header ? /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim()) : null;
  const wrong =
    "Missing or wrong X-Nodebase-Signature (sha256=<hex HMAC of the body, or of <timestamp>.<body>>)";
  if (!match) return { ok: false, message: wrong };
  const signature = match[1].toLowerCase();
  const stamp = headers.get(NODEBASE_TIMESTAMP_HEADER);
  if (stamp === null) {
    const ok = constantTimeEqual(signature, await hmacSha256Hex(secret, rawBody));
    return ok ? { ok: true, timestamped: false, signature } : { ok: false, message: wrong };
  }
  if (!/^\d{1,12}$/.test(stamp.trim()))
    return { ok: false, message: "X-Nodebase-Timestamp must be unix seconds" };
  if (Math.abs(nowSeconds - Number(stamp)) > NODEBASE_TOLERANCE_SECONDS) {
    return {
      ok: false,
      message: `X-Nodebase-Timestamp is more than ${NODEBASE_TOLERANCE_SECONDS} s from now`,
    };
  }
  const signed = new Uint8Array([...encoder.encode(`${stamp.trim()}.`), ...rawBody]);
  const ok = constantTimeEqual(signature, await hmacSha256Hex(secret, signed));
  return ok ? { ok: true, timestamped: true, signature } : { ok: false, message: wrong };
}

export type StripeVerdict =
  { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch"; message: string };

/** Stripe's default: reject a signature whose timestamp is more than 5 minutes away from now (replays). */
export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * Verifies `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]` as Stripe documents it: the
 * expected MAC is HMAC-SHA256 of `${t}.${rawBody}` keyed with the endpoint's signing secret; any `v1`
 * matching is enough (Stripe sends several while a secret is being rolled).
 */
export async function verifyStripeSignature(
  header: string | null,
  rawBody: string,
  signingSecret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<StripeVerdict> {
  if (!header) return { ok: false, reason: "missing", message: "Missing Stripe-Signature header" };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && value) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    return { ok: false, reason: "malformed", message: "Stripe-Signature needs t= and at least one v1=" };
  }
  if (Math.abs(nowSeconds - timestamp) > STRIPE_TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: "stale",
      message: "Stripe-Signature timestamp is outside the 300 s tolerance",
    };
  }
  const expected = await hmacSha256Hex(signingSecret, `${timestamp}.${rawBody}`);
  // Compare against every v1 without stopping early, so timing does not tell which one matched.
  let matched = false;
  for (const signature of signatures)
    matched = constantTimeEqual(signature.toLowerCase(), expected) || matched;
  return matched
    ? { ok: true }
    : { ok: false, reason: "mismatch", message: "No Stripe-Signature v1 matches" };
}
