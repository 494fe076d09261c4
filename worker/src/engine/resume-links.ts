/**
 * Resume URLs (`$resumeUrl("approve")` in expressions): `<origin>/webhooks/resume/<token>`, where
 *
 *   token = <executionId> "." base64url(event) "." base64url(HMAC-SHA256(key, "resume|" id "|" event))
 *   key   = HMAC-SHA256(AUTH_SECRET, "nodebase resume-url key v1")   (never AUTH_SECRET itself)
 *
 * The same execution and event always give the same URL, so a replayed step builds the same link. The
 * token carries no secret and grants one thing: delivering that event to that execution, once
 * (http/webhooks-resume.ts claims it in `resume_token_use`).
 */
import { bytesToBase64Url } from "../credentials/cipher";
import { publicOrigin } from "./public-url";

const KEY_LABEL = "nodebase resume-url key v1";
/** Event names a token may carry: those `waitForEvent` accepts. */
const EVENT_NAME = /^[A-Za-z0-9_-]{1,100}$/;
const EXECUTION_ID = /^[A-Za-z0-9-]{1,64}$/;

const keys = new Map<string, Promise<CryptoKey>>();

function resumeKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const base = await hmacKey(new TextEncoder().encode(secret));
      const derived = await crypto.subtle.sign("HMAC", base, new TextEncoder().encode(KEY_LABEL));
      return hmacKey(new Uint8Array(derived));
    })();
    keys.set(secret, key);
  }
  return key;
}

function hmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const message = (executionId: string, event: string) =>
  new TextEncoder().encode(`resume|${executionId}|${event}`);

/** The signed token for one execution and event. Throws for an event name `waitForEvent` would refuse. */
export async function resumeToken(secret: string, executionId: string, event: string): Promise<string> {
  if (!EVENT_NAME.test(event)) {
    throw new Error(`$resumeUrl("${event}"): an event name is 1-100 letters, digits, - or _`);
  }
  const signature = await crypto.subtle.sign("HMAC", await resumeKey(secret), message(executionId, event));
  return `${executionId}.${bytesToBase64Url(new TextEncoder().encode(event))}.${bytesToBase64Url(new Uint8Array(signature))}`;
}

/** The execution and event a token names, or null when it is malformed or its signature does not match. */
export async function verifyResumeToken(
  secret: string,
  token: string,
): Promise<{ executionId: string; event: string } | null> {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [executionId, encodedEvent, encodedSignature] = parts;
  const eventBytes = fromBase64url(encodedEvent);
  const signature = fromBase64url(encodedSignature);
  if (!EXECUTION_ID.test(executionId) || !eventBytes || !signature) return null;
  const event = new TextDecoder().decode(eventBytes);
  if (!EVENT_NAME.test(event)) return null;
  // crypto.subtle.verify compares in constant time.
  const ok = await crypto.subtle.verify(
    "HMAC",
    await resumeKey(secret),
    signature,
    message(executionId, event),
  );
  return ok ? { executionId, event } : null;
}

/** `$resumeUrl(event)` of one run: an absolute URL when an origin is known (docs/deploy.md `PUBLIC_URL`). */
export async function resumeUrl(
  env: Env,
  run: { executionId: string; origin: string | null | undefined },
  event: string,
): Promise<string> {
  const token = await resumeToken(env.AUTH_SECRET, run.executionId, event);
  return `${publicOrigin(env, run.origin)}/webhooks/resume/${token}`;
}

/** The `$resumeUrl` of an expression scope in this run. */
export function resumeUrlOf(ref: {
  env: Env;
  executionId: string;
  origin?: string | null;
}): (event: string) => Promise<string> {
  return (event) => resumeUrl(ref.env, { executionId: ref.executionId, origin: ref.origin }, event);
}
