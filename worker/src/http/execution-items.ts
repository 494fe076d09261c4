/**
 * Loop body step records of an execution (`forEach` elements), paged: a 10,000-element run has tens of
 * thousands of them, so `GET /executions/:id` lists one summary record per node (with `items` counts)
 * and this route lists the per-element records, filtered by node and element.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getDb } from "../storage/db";
import { listItemSteps } from "../storage/loops";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { json } from "./execution-schemas";
import { ownExecution, signedIn } from "./executions";
import { authErrors, errorResponse, IdParam, iso, pageOf, security } from "./schemas";

export const executionItemsApp = new OpenAPIHono<AppEnv>();
executionItemsApp.use("/executions/*", signedIn);

const ItemStep = z
  .object({
    nodeId: z.string(),
    nodeName: z.string(),
    itemIndex: z.number().int().openapi({ description: "The element's index in its loop's list (from 0)" }),
    parentPath: z.string().openapi({
      description:
        'Where the loop sits: "" for a top-level loop, "3" inside element 3 of an outer loop, "3.7" deeper',
    }),
    status: z.enum(["queued", "running", "waiting", "success", "error", "skipped", "canceled"]),
    attempts: z.number().int(),
    input: z.unknown(),
    output: z.unknown(),
    error: z.object({ message: z.string() }).nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi("ItemStep");

const ItemQuery = z.object({
  nodeId: z.string().optional().openapi({ description: "Only this body node's records" }),
  itemIndex: z.coerce.number().int().min(0).optional().openapi({ description: "Only this element" }),
  parentPath: z.string().optional().openapi({ description: "Only elements of the loop at this parent path" }),
  status: z
    .enum(["running", "waiting", "success", "error", "skipped", "canceled"])
    .optional()
    .openapi({ description: "Only records with this status (error: the failed elements)" }),
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ description: "Page size (max 500)" }),
  cursor: z.string().optional().openapi({ description: "`nextCursor` of the previous page" }),
});

executionItemsApp.openapi(
  createRoute({
    method: "get",
    path: "/executions/{id}/items",
    summary: "Step records of loop body nodes, one per node per element, paged",
    description:
      "Ordered by node id, parent path, element index. `GET /executions/{id}` gives each body node one summary record with `items: { done, failed, total }`; this lists the records behind it.",
    tags: ["Executions"],
    security,
    request: { params: IdParam, query: ItemQuery },
    responses: {
      200: json(pageOf(ItemStep), "A page of body step records"),
      ...authErrors,
      400: errorResponse("A cursor this API did not issue"),
      404: errorResponse("No such execution"),
    },
  }),
  async (c) => {
    const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
    const q = c.req.valid("query");
    const rows = await listItemSteps(getDb(c.env.DB), row.id, { ...q, after: decodeItemCursor(q.cursor) });
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > q.limit && last ? encodeItemCursor([last.nodeId, last.parentPath, last.itemIndex]) : null;
    return c.json(
      {
        items: items.map((s) => ({
          nodeId: s.nodeId,
          nodeName: s.nodeName,
          itemIndex: s.itemIndex,
          parentPath: s.parentPath,
          status: s.status,
          attempts: s.attempts,
          input: s.input ?? null,
          output: s.output ?? null,
          error: s.error ?? null,
          startedAt: iso(s.startedAt),
          finishedAt: iso(s.finishedAt),
        })),
        nextCursor,
      },
      200,
    );
  },
);

function encodeItemCursor(key: [string, string, number]): string {
  return btoa(JSON.stringify(key)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeItemCursor(text: string | undefined) {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "string" && Number.isInteger(v[2])) {
      return { nodeId: v[0], parentPath: v[1], itemIndex: v[2] as number };
    }
  } catch {
    // not one of ours: answered below
  }
  throw new ApiError(400, "invalid_cursor", "cursor is not one this API issued");
}
