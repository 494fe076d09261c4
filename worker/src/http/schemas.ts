/**
 * Schemas shared by every resource's routes: the error body, list paging, and helpers that keep
 * `createRoute` declarations short. Each route's own request/response schemas live in its file.
 */
import { z } from "@hono/zod-openapi";
import { decodeCursor, type PageCursor } from "../storage/pagination";
import { ApiError } from "./errors";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "not_found" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/** `{ description, content: application/json Error }` for a route's `responses`. */
export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** The error responses every signed-in route can give. */
export const authErrors = {
  401: errorResponse("Not signed in and no valid API key"),
} as const;

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size (max 200)" }),
  cursor: z.string().optional().openapi({ description: "`nextCursor` of the previous page" }),
});

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: "id", in: "path" } }),
});

/** `{ items: [...], nextCursor }` for a list of `item`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export function parseCursor(text: string | undefined): PageCursor | undefined {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor) throw new ApiError(400, "invalid_cursor", "cursor is not one this API issued");
  return cursor;
}

/** Every timestamp leaves the API as an ISO string. */
export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
