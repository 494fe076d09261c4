/**
 * A workflow's history. Every save writes a version snapshot (storage/workflows.ts); these routes list
 * them (`GET /api/workflows/:id/versions`, newest first), return one (`GET …/versions/:version`, as saved,
 * with its webhookIds: the execution page draws the graph that ran from it) and restore one
 * (`POST …/versions/:version/restore`: saved as a NEW version, so restoring is itself undoable).
 * Another user's workflow answers 404.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { WorkflowEdgeSchema, WorkflowNodeSchema } from "../engine/workflow-document";
import { getDb } from "../storage/db";
import {
  getWebhookIds,
  getWorkflow,
  getWorkflowRow,
  getWorkflowSnapshot,
  listWorkflowVersions,
  replaceWorkflow,
} from "../storage/workflows";
import { encodeCursor } from "../storage/pagination";
import type { AppEnv } from "./context";
import { assertNodeCredentials } from "./credential-errors";
import { ApiError, notFound } from "./errors";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, IdParam, ListQuery, pageOf, parseCursor, security } from "./schemas";
import { full, loadOwned, prepareDocument, saving, Workflow } from "./workflows";

export const workflowVersionsApp = new OpenAPIHono<AppEnv>();
workflowVersionsApp.use("/workflows/:id/versions", requireUser);
workflowVersionsApp.use("/workflows/:id/versions/*", requireUser);

const VersionParams = z.object({
  id: z.string().min(1),
  version: z.coerce.number().int().min(1).openapi({ example: 3 }),
});

const VersionSummary = z
  .object({
    version: z.number().int(),
    createdAt: z.string(),
    name: z.string(),
    nodeCount: z.number().int(),
    edgeCount: z.number().int(),
    current: z.boolean().openapi({ description: "This version is the workflow's document now" }),
  })
  .openapi("WorkflowVersionSummary");

workflowVersionsApp.openapi(
  createRoute({
    method: "get",
    path: "/workflows/{id}/versions",
    tags: ["Workflows"],
    summary: "The saved versions of a workflow, newest first",
    security,
    request: { params: IdParam, query: ListQuery },
    responses: {
      200: {
        description: "A page of versions",
        content: { "application/json": { schema: pageOf(VersionSummary) } },
      },
      400: errorResponse("Bad limit or cursor"),
      404: errorResponse("No such workflow of yours"),
      ...authErrors,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const db = getDb(c.env.DB);
    // The cursor carries the last version of the previous page (versions only grow, so no tie-break).
    const before = parseCursor(cursor)?.at;
    const [row, page] = await Promise.all([
      getWorkflowRow(db, c.var.userId, id),
      listWorkflowVersions(db, c.var.userId, id, limit, before),
    ]);
    if (!row || !page) throw notFound("Workflow");
    return c.json(
      {
        items: page.items.map((v) => ({
          version: v.version,
          createdAt: v.createdAt.toISOString(),
          name: v.name,
          nodeCount: v.nodeCount,
          edgeCount: v.edgeCount,
          current: v.version === row.version,
        })),
        nextCursor: page.nextBefore === null ? null : encodeCursor({ at: page.nextBefore, id: "v" }),
      },
      200,
    );
  },
);

workflowVersionsApp.openapi(
  createRoute({
    method: "post",
    path: "/workflows/{id}/versions/{version}/restore",
    tags: ["Workflows"],
    summary:
      "Restore a version: saved as a new version whose nodes, edges and settings are that version's " +
      "(webhook ids kept; the name, tags and pins stay as they are now)",
    security,
    request: { params: VersionParams },
    responses: {
      200: {
        description: "The workflow, now at a new version",
        content: { "application/json": { schema: Workflow } },
      },
      404: errorResponse("No such workflow or version of yours"),
      409: errorResponse("`version_conflict`: saved concurrently by another request"),
      422: errorResponse(
        "`invalid_workflow`: that version no longer passes today's checks (details name node and field)",
      ),
      ...authErrors,
    },
  }),
  async (c) => {
    const { id, version } = c.req.valid("param");
    const db = getDb(c.env.DB);
    const [current, snapshot] = await Promise.all([
      getWorkflow(db, c.var.userId, id),
      getWorkflowSnapshot(db, c.var.userId, id, version),
    ]);
    if (!current) throw notFound("Workflow");
    if (!snapshot) throw new ApiError(404, "not_found", `Workflow ${id} has no version ${version}`);
    // Webhook ids come back with their nodes: a caller of the old URL reaches the restored node again.
    const webhookIds = await getWebhookIds(db, id);
    for (const n of snapshot.document.nodes) if (n.webhookId) webhookIds.set(n.id, n.webhookId);
    const { doc, warnings } = prepareDocument(
      { ...snapshot.document, name: current.name, tags: current.tags, pinData: current.pinData },
      webhookIds,
    );
    await assertNodeCredentials(db, c.var.userId, doc.nodes);
    await saving(doc, () => replaceWorkflow(db, c.var.userId, id, current.version, doc));
    return c.json(full(await loadOwned(c, id), warnings), 200);
  },
);

const WorkflowVersion = z
  .object({
    workflowId: z.string(),
    version: z.number().int(),
    name: z.string(),
    nodes: z.array(WorkflowNodeSchema),
    edges: z.array(WorkflowEdgeSchema),
  })
  .openapi("WorkflowVersion");

workflowVersionsApp.openapi(
  createRoute({
    method: "get",
    path: "/workflows/{id}/versions/{version}",
    tags: ["Workflows"],
    summary: "The document of one saved version (what an execution pinned to it ran)",
    security,
    request: { params: VersionParams },
    responses: {
      200: {
        description: "The saved document of that version",
        content: { "application/json": { schema: WorkflowVersion } },
      },
      404: errorResponse("No such workflow or version for this user"),
      ...authErrors,
    },
  }),
  async (c) => {
    const { id, version } = c.req.valid("param");
    const snapshot = await getWorkflowSnapshot(getDb(c.env.DB), c.var.userId, id, version);
    if (!snapshot) throw new ApiError(404, "not_found", `Workflow ${id} has no version ${version}`);
    const { name, nodes, edges } = snapshot.document;
    return c.json({ workflowId: id, version: snapshot.version, name, nodes, edges }, 200);
  },
);
