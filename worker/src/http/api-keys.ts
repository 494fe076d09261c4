/** `/api/api-keys`: personal API keys. The key itself is returned once, by create. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { createApiKey, deleteApiKey, listApiKeys } from "../storage/api-keys";
import { getDb } from "../storage/db";
import type { AppEnv } from "./context";
import { notFound } from "./errors";
import { clientIp, enforceRateLimits } from "./rate-limit";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, IdParam, iso, ListQuery, pageOf, parseCursor, security } from "./schemas";

export const apiKeysApp = new OpenAPIHono<AppEnv>();
apiKeysApp.use("/api-keys", requireUser);
apiKeysApp.use("/api-keys/*", requireUser);

const CreatedApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string().openapi({ description: "The secret key. Shown only in this response.", example: "nb_…" }),
    createdAt: z.string(),
  })
  .openapi("CreatedApiKey");
const ApiKeySummary = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "First characters of the key, to recognise it" }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

apiKeysApp.openapi(
  createRoute({
    method: "post",
    path: "/api-keys",
    tags: ["API keys"],
    summary: "Create an API key (the key is returned only here)",
    security,
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ name: z.string().trim().min(1).max(100) }) } },
      },
    },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: CreatedApiKey } } },
      400: errorResponse("Missing or invalid name"),
      429: errorResponse("Too many keys created by this user or from this address (`Retry-After`)"),
      ...authErrors,
    },
  }),
  async (c) => {
    await enforceRateLimits(c, [
      ["apiKeyUser", c.var.userId],
      ["apiKeyIp", clientIp(c.req.raw)],
    ]);
    const created = await createApiKey(getDb(c.env.DB), c.var.userId, c.req.valid("json").name);
    return c.json({ ...created, createdAt: created.createdAt.toISOString() }, 201);
  },
);

apiKeysApp.openapi(
  createRoute({
    method: "get",
    path: "/api-keys",
    tags: ["API keys"],
    summary: "List your API keys (never the keys themselves)",
    security,
    request: { query: ListQuery },
    responses: {
      200: {
        description: "A page of keys, newest first",
        content: { "application/json": { schema: pageOf(ApiKeySummary) } },
      },
      400: errorResponse("Bad limit or cursor"),
      ...authErrors,
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listApiKeys(getDb(c.env.DB), c.var.userId, limit, parseCursor(cursor));
    const items = page.items.map((k) => ({
      ...k,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: iso(k.lastUsedAt),
    }));
    return c.json({ items, nextCursor: page.nextCursor }, 200);
  },
);

apiKeysApp.openapi(
  createRoute({
    method: "delete",
    path: "/api-keys/{id}",
    tags: ["API keys"],
    summary: "Revoke an API key",
    security,
    request: { params: IdParam },
    responses: { 204: { description: "Revoked" }, 404: errorResponse("No such key of yours"), ...authErrors },
  }),
  async (c) => {
    if (!(await deleteApiKey(getDb(c.env.DB), c.var.userId, c.req.valid("param").id)))
      throw notFound("API key");
    return c.body(null, 204);
  },
);
