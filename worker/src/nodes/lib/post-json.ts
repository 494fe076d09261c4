/**
 * One JSON POST with bounded, polite retries, shared by every node that calls a provider (AI, chat).
 *
 * 429 and 5xx answers are retried a few times inside the step, waiting what the provider asks for
 * (`Retry-After`, seconds or an HTTP date) or an exponential backoff. The wait is bounded: when the
 * provider asks for longer than `maxWaitMs`, or the attempts are used up, we throw a `ProviderError` so the
 * node's own step retry policy (durable, minutes apart if configured) takes over instead of holding a
 * Worker invocation open. An answer that no retry can fix (400 bad request, 401 wrong key, 404 unknown
 * model or webhook…) throws a `PermanentProviderError`, a `NonRetryableError`, so the step fails at once.
 */
import { NonRetryableError } from "cloudflare:workflows";

export interface PostJsonOptions {
  /** Shown in errors: "OpenAI answered 401: ...". */
  provider: string;
  url: string;
  headers?: Record<string, string>;
  body: unknown;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** Total attempts inside this call (the first included). Default 3. */
  maxAttempts?: number;
  /** First backoff when the provider gives no Retry-After; doubles each time. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest single wait we accept inside the step. Default 10 s. */
  maxWaitMs?: number;
  /** Per-attempt timeout. Default 60 s (AI answers can be slow). */
  timeoutMs?: number;
  /** Injected by tests to observe the waits without sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export interface PostJsonResult {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, otherwise the text (or null when empty). */
  body: unknown;
}

/** A provider answered with an error (or kept failing): carries its status and its own message. */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number,
    readonly providerMessage: string,
    readonly retryable: boolean,
  ) {
    super(`${provider} answered ${status}: ${providerMessage}`);
    this.name = "ProviderError";
  }
}

/** A 4xx that retrying cannot fix: fails the node's step without using its retry policy. */
export class PermanentProviderError extends NonRetryableError {
  readonly retryable = false;
  constructor(
    readonly provider: string,
    readonly status: number,
    readonly providerMessage: string,
  ) {
    super(`${provider} answered ${status}: ${providerMessage}`, "PermanentProviderError");
  }
}

/** Statuses worth another try: rate limits, timeouts, conflicts and every server error. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);
const isRetryable = (status: number) => RETRYABLE_STATUSES.has(status) || status >= 500;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function postJson(options: PostJsonOptions): Promise<PostJsonResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  const payload = JSON.stringify(options.body);

  for (let attempt = 1; ; attempt++) {
    const response = await sendOnce(options, payload);
    const body = await readBody(response);
    if (response.ok) return { status: response.status, headers: response.headers, body };

    if (!isRetryable(response.status)) {
      throw new PermanentProviderError(options.provider, response.status, providerMessage(body));
    }
    const error = new ProviderError(options.provider, response.status, providerMessage(body), true);
    if (attempt >= maxAttempts) throw error;

    const asked = retryAfterMs(response.headers.get("retry-after"));
    const wait = asked ?? baseDelayMs * 2 ** (attempt - 1);
    // Asked to come back later than we are willing to hold this step: let the step's retry policy do it.
    if (wait > maxWaitMs) throw error;
    await sleep(wait);
  }
}

async function sendOnce(options: PostJsonOptions, payload: string): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await options.fetch(options.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body: payload,
      signal,
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // A network failure or timeout is as retryable as a 5xx, but by the step policy (status 0 = no answer).
    throw new ProviderError(options.provider, 0, `request failed: ${reason}`, true);
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Returns null when absent or
 * unreadable, so the caller falls back to its own backoff.
 */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/**
 * The provider's own words: OpenAI/Gemini `{ error: { message } }`, Anthropic `{ type: "error", error: {
 * message } }`, Discord `{ message }`, Slack plain text ("invalid_token"). Bounded so a huge HTML error page
 * does not end up in an execution record.
 */
export function providerMessage(body: unknown): string {
  let message: unknown;
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const error = record.error;
    if (error && typeof error === "object") message = (error as Record<string, unknown>).message;
    else if (typeof error === "string") message = error;
    message ??= record.message;
    message ??= JSON.stringify(body);
  } else if (typeof body === "string" && body.trim() !== "") {
    message = body;
  } else {
    message = "no details in the answer";
  }
  const text = String(message);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Base URLs are accepted with or without a trailing slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}
