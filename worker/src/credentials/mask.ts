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
  for (const secret of secrets) {
    if (secret.length < MIN_SUBSTRING_LENGTH) {
      if (out === secret) return MASK;
    } else if (out.includes(secret)) {
      out = out.split(secret).join(MASK);
    }
  }
  return out;
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
