/**
 * Masking: whatever a step records (input, output, error) passes through `maskSecrets` with the secret
 * values of the credential it used, so a server that echoes an Authorization header, or an error message
 * that quotes a URL, never puts a secret into an execution record.
 */

export const MASK = "***";
/**
 * Secrets shorter than this are only masked where a whole string equals them: replacing every "ab" inside
 * all text would make records unreadable, and a secret that short protects nothing anyway.
 */
const MIN_SUBSTRING_LENGTH = 3;

/**
 * Returns a copy of `value` with every occurrence of each secret replaced by `***`: deep through arrays and
 * plain objects (keys too), inside longer strings (`"Bearer sk-…"` → `"Bearer ***"`), and in Error messages.
 * @example maskSecrets({ auth: "Bearer sk-1" }, ["sk-1"]) // { auth: "Bearer ***" }
 */
export function maskSecrets<T>(value: T, secretValues: readonly string[]): T {
  const secrets = [...new Set(secretValues.filter((s) => typeof s === "string" && s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (secrets.length === 0) return value;
  return maskValue(value, secrets, new WeakMap()) as T;
}

function maskString(text: string, secrets: readonly string[]): string {
  let out = text;
  // URL quotes first: a cut-short quote still holds the whole host and path prefix to anchor on.
  for (const secret of secrets) {
    const url = secretUrl(secret);
    if (url && out.includes(url.host)) out = maskUrlQuotes(out, url);
  }
  for (const secret of secrets) {
    if (secret.length < MIN_SUBSTRING_LENGTH) {
      if (out === secret) return MASK;
    } else if (out.includes(secret)) {
      out = out.split(secret).join(MASK);
    }
  }
  return out;
}

/** A secret that is a URL with a path (an incoming-webhook URL: its path is the secret part). */
interface SecretUrl {
  host: string;
  /** Path and query after the host, as the URL was given and as `URL` normalises it. */
  rests: string[];
}

const urlCache = new Map<string, SecretUrl | null>();

function secretUrl(secret: string): SecretUrl | null {
  let cached = urlCache.get(secret);
  if (cached !== undefined) return cached;
  cached = null;
  if (/^https?:\/\//i.test(secret)) {
    try {
      const url = new URL(secret);
      const normalised = url.pathname + url.search;
      const given = secret.replace(/^https?:\/\/[^/?#]*/i, "");
      if (normalised.length > 1) cached = { host: url.host, rests: [...new Set([given, normalised])] };
    } catch {
      cached = null;
    }
  }
  if (urlCache.size > 1000) urlCache.clear();
  urlCache.set(secret, cached);
  return cached;
}

/** Characters that can continue a URL in running text (RFC 3986, without quotes and brackets). */
const URL_CHAR = /[A-Za-z0-9\-._~:/?#@!$&*+,;=%]/;

/**
 * Masks quotes of a secret URL that are not the whole URL: cut short (`…/services/T0/B0/abc`, an error
 * text truncated mid-token), without the scheme, or followed by more path. Wherever the URL's host is
 * followed by a path that the secret's path starts with (or that starts with it), host and path go.
 */
function maskUrlQuotes(text: string, url: SecretUrl): string {
  let out = "";
  let from = 0;
  for (;;) {
    const at = text.indexOf(url.host, from);
    if (at === -1) break;
    let end = at + url.host.length;
    while (end < text.length && URL_CHAR.test(text[end])) end++;
    const run = text.slice(at + url.host.length, end);
    const quoted = run.length > 1 && url.rests.some((rest) => rest.startsWith(run) || run.startsWith(rest));
    if (quoted) {
      const scheme = /(https?:\/\/)$/i.exec(text.slice(Math.max(0, at - 8), at));
      out += text.slice(from, at - (scheme ? scheme[1].length : 0)) + MASK;
    } else {
      out += text.slice(from, end);
    }
    from = end;
  }
  return out + text.slice(from);
}

/**
 * The parts of a secret URL that identify it on their own: the path segments that are tokens or ids
 * (Slack's `T…/B…/<token>`, Discord's `<id>/<token>`), and query values. An error that quotes only the
 * token must not show it either. Words such as `services` or `webhooks` are not secret.
 */
export function secretUrlParts(value: string): string[] {
  if (!/^https?:\/\//i.test(value)) return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const parts = url.pathname
    .split("/")
    .filter((segment) => segment.length >= 6 && !/^[a-z-]+$/.test(segment));
  for (const queryValue of url.searchParams.values()) if (queryValue.length >= 6) parts.push(queryValue);
  return parts;
}

function maskValue(value: unknown, secrets: readonly string[], seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") return maskString(value, secrets);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return seen.get(value);
  if (value instanceof Error) {
    const copy = new Error(maskString(value.message, secrets));
    copy.name = value.name;
    seen.set(value, copy);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(maskValue(item, secrets, seen));
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Dates, typed arrays, class instances: recorded through JSON, so mask their JSON form.
    const json = JSON.stringify(value);
    if (json === undefined) return value;
    const masked = maskString(json, secrets);
    return masked === json ? value : JSON.parse(masked);
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value))
    copy[maskString(key, secrets)] = maskValue(item, secrets, seen);
  return copy;
}
