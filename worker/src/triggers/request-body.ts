/**
 * Reading and parsing an incoming webhook body: at most 1 MiB (checked while streaming, not trusted from
 * Content-Length alone), then JSON, urlencoded, multipart text fields or plain text by Content-Type.
 */
import { readUpTo } from "../engine/read-limited";
import { ApiError } from "../http/errors";

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  new ApiError(
    413,
    "payload_too_large",
    `Webhook body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes (1 MiB)`,
  );

/** The raw bytes, or a 413 as soon as the limit is passed. */
export async function readLimitedBody(request: Request, limit = MAX_WEBHOOK_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  return readUpTo(request.body, limit, tooLarge);
}

/**
 * The body as the trigger's `body`: an object for JSON, urlencoded and multipart (text fields; a repeated
 * name becomes an array; files are left out), a string for anything else, `{}` when empty.
 */
export async function parseBody(raw: Uint8Array, contentType: string | null): Promise<unknown> {
  if (raw.byteLength === 0) return {};
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const text = new TextDecoder().decode(raw);

  if (type === "application/json" || type.endsWith("+json")) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, "invalid_json", `Body is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (type === "application/x-www-form-urlencoded") return collect(new URLSearchParams(text));
  if (type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await new Request("http://body.local/", {
        method: "POST",
        headers: { "content-type": contentType! },
        body: raw,
      }).formData();
    } catch (err) {
      throw new ApiError(
        400,
        "invalid_body",
        `Body is not valid multipart/form-data: ${(err as Error).message}`,
      );
    }
    const fields: [string, string][] = [];
    form.forEach((value, name) => {
      if (typeof value === "string") fields.push([name, value]);
    });
    return collect(fields);
  }
  return text;
}

/** Fields parsed from a form or query string: no prototype, so every name is an ordinary own field. */
export type FormFields = Record<string, string | string[]>;

/**
 * Name/value pairs into an object; a name seen twice collects its values in an array. Linear in the
 * number of pairs (each repeat is one push, never a copy: 1 MiB of `a=&a=&…` is 350,000 pushes), and the
 * object has no prototype, so fields named `constructor`, `toString` or `__proto__` are kept as they came.
 */
export function collect(pairs: Iterable<[string, string]>): FormFields {
  const out = Object.create(null) as FormFields;
  for (const [name, value] of pairs) {
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[name] = [seen, value];
  }
  return out;
}

/** Headers that describe the connection, not the call: never part of the trigger payload. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "proxy-connection",
]);
/** Headers that carry credentials: kept in the payload by name, but their value is never recorded. */
const ALWAYS_REDACTED = new Set(["authorization", "proxy-authorization", "cookie", "x-nodebase-secret"]);

/**
 * Request headers as the trigger payload records them (names lower-cased). Secrets are replaced with
 * "[redacted]", because the payload is stored in the execution record.
 */
export function recordedHeaders(headers: Headers, alsoRedact: string[] = []): Record<string, string> {
  const redact = new Set([...ALWAYS_REDACTED, ...alsoRedact.map((name) => name.toLowerCase())]);
  // No prototype: a header may be named `__proto__` too.
  const out = Object.create(null) as Record<string, string>;
  headers.forEach((value, name) => {
    if (HOP_BY_HOP.has(name)) return;
    out[name] = redact.has(name) ? "[redacted]" : value;
  });
  return out;
}
