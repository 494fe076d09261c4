/**
 * `POST /api/workflows/:id/duplicate`: a copy of the current document as a new, inactive workflow named
 * `"<name> (copy)"`. Its URL triggers get new webhook ids (a webhook id belongs to one workflow: the
 * copy must not answer the original's callers). Tags and pinned data are copied.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { getDb } from "../storage/db";
import { createWorkflow, getWorkflow, getWorkflowSnapshot } from "../storage/workflows";
import type { AppEnv } from "./context";
import { assertNodeCredentials } from "./credential-errors";
import { notFound } from "./errors";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, IdParam, security } from "./schemas";
import { full, loadOwned, prepareDocument, saving, Workflow } from "./workflows";

export const workflowDuplicateApp = new OpenAPIHono<AppEnv>();
workflowDuplicateApp.use("/workflows/:id/duplicate", requireUser);

const COPY_SUFFIX = " (copy)";
const MAX_NAME = 200;

/** `"<name> (copy)"`, cutting the name so the result still fits the 200 characters a name may have. */
export const copyName = (name: string) => `${name.slice(0, MAX_NAME - COPY_SUFFIX.length)}${COPY_SUFFIX}`;

workflowDuplicateApp.openapi(
  createRoute({
    method: "post",
    path: "/workflows/{id}/duplicate",
    tags: ["Workflows"],
    summary: 'Copy a workflow: inactive, named "<name> (copy)", new webhook ids',
    security,
    request: { params: IdParam },
    responses: {
      201: { description: "The copy", content: { "application/json": { schema: Workflow } } },
      404: errorResponse("No such workflow of yours"),
      ...authErrors,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    // The current snapshot is the whole document (settings included); pins live on the workflow row.
    const [current, snapshot] = await Promise.all([
      getWorkflow(db, c.var.userId, id),
      getWorkflowSnapshot(db, c.var.userId, id),
    ]);
    if (!current || !snapshot) throw notFound("Workflow");
    const { doc } = prepareDocument(
      { ...snapshot.document, name: copyName(current.name), tags: current.tags, pinData: current.pinData },
      new Map(),
    );
    await assertNodeCredentials(db, c.var.userId, doc.nodes);
    const copyId = await saving(doc, () => createWorkflow(db, c.var.userId, doc));
    return c.json(full(await loadOwned(c, copyId)), 201);
  },
);
