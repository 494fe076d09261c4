/**
 * The one way the SPA talks to the Worker: same-origin fetch with the session cookie, JSON in and out,
 * and every failure turned into an `ApiError` carrying the server's `{ error: { code, message, details } }`.
 */

/** A failed API call. `status` 0 means the request never got an answer (network down, aborted). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever any request answers 401, so the session layer can send the person to /sign-in. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not notify `onUnauthorized` listeners (e.g. the /api/me probe itself). */
  quietUnauthorized?: boolean;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = withQuery(path, options.query);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(
      0,
      "network_error",
      "Could not reach the server. Check your connection and try again.",
    );
  }

  const payload = await readBody(response);
  if (!response.ok) {
    const error = toApiError(response, payload);
    if (error.isUnauthorized && !options.quietUnauthorized) unauthorizedListeners.forEach((l) => l(error));
    throw error;
  }
  return payload as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, "body">) => request<T>("GET", path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("POST", path, { ...options, body }),
  put: <T>(path: string, body: unknown, options?: RequestOptions) =>
    request<T>("PUT", path, { ...options, body }),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>("DELETE", path, options),
};

function withQuery(path: string, query: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A non-JSON answer (a proxy's HTML error page, say) is still reported, never silently dropped.
    return response.ok ? text : { error: { code: "bad_response", message: text.slice(0, 200) } };
  }
}

/**
 * Our routes answer `{ error: { code, message, details } }`; Better Auth's own routes under /api/auth
 * answer `{ code, message }`. Both become an ApiError with a message a person can read.
 */
function toApiError(response: Response, payload: unknown): ApiError {
  const body = (payload ?? {}) as Record<string, unknown>;
  const inner = (typeof body.error === "object" && body.error !== null ? body.error : body) as Record<
    string,
    unknown
  >;
  const code = typeof inner.code === "string" ? inner.code : `http_${response.status}`;
  const message =
    typeof inner.message === "string" && inner.message
      ? inner.message
      : response.statusText || `Request failed with status ${response.status}`;
  return new ApiError(response.status, code, message, inner.details);
}
