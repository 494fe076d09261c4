/**
 * The connector toolkit: one JSON API call with auth, bounded polite retries and clear errors, shared by
 * every node that calls a service (AI, chat, Telegram, ...). A new connector is its request and response
 * shapes around one `callJsonApi`; docs/adding-a-node.md walks through one.
 *
 * - Auth goes in a header (`bearer`, or any `header`) or a query parameter (`query`), from the credential.
 * - `baseUrl` comes from the credential when it has one (tests point it at a local fake), else the default.
 * - 429 and 5xx answers are retried a few times inside the step, waiting what the service asks for
 *   (`Retry-After`, seconds or an HTTP date) or an exponential backoff. The wait is bounded: when the
 *   service asks for longer than `maxWaitMs`, or the attempts are used up, a `ConnectorError` is thrown so
 *   the node's own step retry policy (durable, minutes apart if configured) takes over instead of holding a
 *   Worker invocation open. An answer that no retry can fix (400, 401 wrong key, 404 unknown model...)
 *   throws a `PermanentConnectorError`, a `NonRetryableError`, so the step fails at once.
 * - Error text is the service's own words ("Telegram answered 400: chat not found"), with every secret
 *   (the auth value, a token inside the URL path, anything in `secrets`) replaced by `***`.
 */
import { deadline } from "../../net/deadline";
import { NonRetryableError } from "cloudflare:workflows";
import { maskSecrets } from "../../credentials/mask";

export type ConnectorAuth =
  /** `Authorization: Bearer <token>`. */
  | { bearer: string }
  /** Any header, e.g. `{ header: "x-api-key", value }`. */
  | { header: string; value: string }
  /** A query parameter, e.g. `{ query: "key", value }` (for APIs that only take it there). */
  | { query: string; value: string };

export interface JsonApiRequest {
  /** Shown in errors: "OpenAI answered 401: ...". */
  service: string;
  /** Default POST. */
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The service's base URL; accepted with or without a trailing slash. */
  baseUrl: string;
  /** Appended to `baseUrl` (start it with `/`; may be empty for a URL that is complete). */
  path?: string;
  query?: Record<string, string | number | boolean | undefined>;
  auth?: ConnectorAuth;
  headers?: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
  /** More strings that must never appear in error text (a token that is part of `path`, say). */
  secrets?: readonly string[];
  /**
   * For APIs that answer 2xx with an error inside (Slack's `{ ok: false, error }`): return the service's
   * message to fail the call (not retried), or undefined when the answer is fine.
   */
  failure?: (body: unknown) => string | undefined;
  /**
   * For error bodies whose useful part `serviceMessage` does not read (GitHub's 422 `errors[]`, a type code
   * beside the message): return the text to show, or undefined for the generic reading. Masked like it.
   */
  errorText?: (body: unknown) => string | undefined;
  /**
   * For APIs that say "slow down" with a status other than 429 (GitHub's 403 with
   * `x-ratelimit-remaining: 0` or `Retry-After`): true makes the answer retryable like a 429.
   */
  rateLimited?: (status: number, headers: Headers) => boolean;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** Total attempts inside this call (the first included). Default 3. */
  maxAttempts?: number;
  /** First backoff when the service gives no Retry-After; doubles each time. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest single wait accepted inside the step. Default 10 s. */
  maxWaitMs?: number;
  /** Per-attempt timeout. Default 60 s (AI answers can be slow). */
  timeoutMs?: number;
  /** Injected by tests to observe the waits without sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export interface JsonApiResult {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, otherwise the text (or null when empty). */
  body: unknown;
}

/** A service answered with an error (or kept failing) that a later retry may fix. */
export class ConnectorError extends Error {
  readonly retryable: boolean = true;
  constructor(
    readonly service: string,
    readonly status: number,
    readonly serviceMessage: string,
  ) {
    super(`${service} answered ${status}: ${serviceMessage}`);
    this.name = "ConnectorError";
  }
}

/** An answer that retrying cannot fix: fails the node's step without using its retry policy. */
export class PermanentConnectorError extends NonRetryableError {
  readonly retryable = false;
  constructor(
    readonly service: string,
    readonly status: number,
    readonly serviceMessage: string,
  ) {
    // The default name: the engine drops it from the text people read, where a class name means nothing.
    super(`${service} answered ${status}: ${serviceMessage}`);
  }
}

/** Statuses worth another try: rate limits, timeouts, conflicts and every server error. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);
const isRetryable = (status: number) => RETRYABLE_STATUSES.has(status) || status >= 500;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const answer = await callJsonApi({
 *   service: "Telegram", baseUrl: "https://api.telegram.org", path: `/bot${token}/sendMessage`,
 *   secrets: [token], body: { chat_id, text }, fetch: ctx.fetch, signal: ctx.signal,
 * });
 */
export async function callJsonApi(request: JsonApiRequest): Promise<JsonApiResult> {
  const secrets = [...(request.secrets ?? []), ...(request.auth ? [authSecret(request.auth)] : [])];
  const masked = (text: string) => maskSecrets(text, secrets);
  const maxAttempts = request.maxAttempts ?? 3;
  const baseDelayMs = request.baseDelayMs ?? 500;
  const maxWaitMs = request.maxWaitMs ?? 10_000;
  const sleep = request.sleep ?? defaultSleep;
  const url = buildUrl(request);
  const init = buildInit(request);

  for (let attempt = 1; ; attempt++) {
    // One deadline for the call and reading its answer, cleared as soon as both are done.
    const timeout = deadline(request.timeoutMs ?? 60_000);
    let response: Response;
    let body: unknown;
    try {
      response = await sendOnce(request, url, init, masked, timeout.signal);
      body = await readBody(response);
    } finally {
      timeout.clear();
    }
    if (response.ok) {
      const failed = request.failure?.(body);
      if (failed !== undefined)
        throw new PermanentConnectorError(request.service, response.status, masked(failed));
      return { status: response.status, headers: response.headers, body };
    }

    const own = request.errorText?.(body);
    const message = masked(own !== undefined ? bounded(own) : serviceMessage(body));
    const retryable =
      isRetryable(response.status) || request.rateLimited?.(response.status, response.headers) === true;
    if (!retryable) throw new PermanentConnectorError(request.service, response.status, message);
    const error = new ConnectorError(request.service, response.status, message);
    if (attempt >= maxAttempts) throw error;

    const asked = retryAfterMs(response.headers.get("retry-after"));
    const wait = asked ?? baseDelayMs * 2 ** (attempt - 1);
    // Asked to come back later than we are willing to hold this step: let the step's retry policy do it.
    if (wait > maxWaitMs) throw error;
    await sleep(wait);
  }
}

function authSecret(auth: ConnectorAuth): string {
  return "bearer" in auth ? auth.bearer : auth.value;
}

function buildUrl(request: JsonApiRequest): string {
  const url = new URL(joinUrl(request.baseUrl, request.path ?? ""));
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  if (request.auth && "query" in request.auth) url.searchParams.set(request.auth.query, request.auth.value);
  return url.toString();
}

function buildInit(request: JsonApiRequest): RequestInit {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  if (request.auth && "bearer" in request.auth) headers.authorization = `Bearer ${request.auth.bearer}`;
  if (request.auth && "header" in request.auth)
    headers[request.auth.header.toLowerCase()] = request.auth.value;
  return {
    method: request.method ?? "POST",
    headers: { ...headers, ...request.headers },
    ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
  };
}

async function sendOnce(
  request: JsonApiRequest,
  url: string,
  init: RequestInit,
  masked: (text: string) => string,
  timeout: AbortSignal,
): Promise<Response> {
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    return await request.fetch(url, { ...init, signal });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // No answer (network failure, timeout) is as retryable as a 5xx, by the step policy (status 0).
    throw new ConnectorError(request.service, 0, masked(`request failed: ${reason}`));
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
 * The service's own words: OpenAI/Gemini `{ error: { message } }`, Anthropic `{ type: "error", error: {
 * message } }`, Discord `{ message }`, Telegram `{ ok: false, description }`, Slack `{ ok: false, error }`
 * or plain text ("invalid_token"). Bounded so a huge HTML error page does not end up in an execution record.
 */
export function serviceMessage(body: unknown): string {
  let message: unknown;
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const error = record.error;
    if (error && typeof error === "object") message = (error as Record<string, unknown>).message;
    else if (typeof error === "string") message = error;
    message ??= record.message ?? record.description;
    message ??= JSON.stringify(body);
  } else if (typeof body === "string" && body.trim() !== "") {
    message = body;
  } else {
    message = "no details in the answer";
  }
  return bounded(String(message));
}

/** Error text kept short, so a huge HTML error page does not end up in an execution record. */
function bounded(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Base URLs are accepted with or without a trailing slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}
