/**
 * One error shape for every 4xx/5xx: `{ error: { code, message, details? } }`.
 * Throw `ApiError` anywhere below a handler; `onError` in app.ts turns it into the response.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (what = "Resource") => new ApiError(404, "not_found", `${what} not found`);
export const unauthorized = () =>
  new ApiError(401, "unauthorized", "Sign in or send an API key as 'Authorization: Bearer <key>'");

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
