/**
 * `GET /api/workflows/:id/versions/:version`: the document of one saved version of a workflow, as it was
 * saved (with its webhookIds). The execution page draws the graph that ran from it, since an execution is
 * pinned to the version current when it started. Another user's workflow answers 404.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { WorkflowEdgeSchema, WorkflowNodeSchema } from "../engine/workflow-document";
import { getDb } from "../storage/db";
import { getWorkflowSnapshot } from "../storage/workflows";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, security } from "./schemas";

export const workflowVersionsApp = new OpenAPIHono<AppEnv>();
workflowVersionsApp.use("/workflows/:id/versions/*", requireUser);

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
    request: {
      params: z.object({
        id: z.string().min(1),
        version: z.coerce.number().int().min(1).openapi({ example: 3 }),
      }),
    },
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
