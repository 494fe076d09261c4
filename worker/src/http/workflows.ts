/**
 * `/api/workflows`: list, create, get, replace (PUT, the whole document), delete, activate/deactivate,
 * export and import. A save is validated as a whole (validate-workflow.ts) before anything is written,
 * then written in one D1 batch (storage/workflows.ts).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  hasTrigger,
  missingRequiredCredentials,
  needsWebhookId,
  validateWorkflowDocument,
} from "../engine/validate-workflow";
import {
  PinDataSchema,
  WorkflowDocumentSchema as DocumentSchema,
  WorkflowEdgeSchema as EdgeSchema,
  WorkflowNodeSchema as NodeSchema,
  WorkflowSettingsSchema as SettingsSchema,
} from "../engine/workflow-document";
import { bytesToBase64Url } from "../credentials/cipher";
import { getDb } from "../storage/db";
import {
  createWorkflow,
  deleteWorkflow,
  getWebhookIds,
  getWorkflow,
  getWorkflowRow,
  listWorkflows,
  replaceWorkflow,
  setWorkflowActive,
  UnknownCredential,
  VersionConflict,
  type StoredDocument,
  type StoredWorkflow,
  type WorkflowRow,
} from "../storage/workflows";
import type { AppEnv } from "./context";
import { assertNodeCredentials } from "./credential-errors";
import { stopWorkflowRuns } from "../engine/stop-runs";
import { assertExecutionMode, assertSubWorkflowTargets, assertWorkflowSettings } from "./workflow-settings";
import { ApiError, notFound } from "./errors";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, IdParam, ListQuery, pageOf, parseCursor, security } from "./schemas";

export const workflowsApp = new OpenAPIHono<AppEnv>();
workflowsApp.use("/workflows", requireUser);
workflowsApp.use("/workflows/*", requireUser);

// Named components in the OpenAPI document (the schemas themselves live in the engine).
const WorkflowDocumentSchema = DocumentSchema.openapi("WorkflowDocument");
const WorkflowNodeSchema = NodeSchema.openapi("WorkflowNode");
const WorkflowEdgeSchema = EdgeSchema.openapi("WorkflowEdge");
const WorkflowSettingsSchema = SettingsSchema.openapi("WorkflowSettings");

const WorkflowSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    active: z.boolean(),
    version: z.number().int(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WorkflowSummary");
/** Something a save accepted but changed, e.g. `pin_dropped` (a pin naming no node of the document). */
const SaveWarning = z
  .object({ code: z.string(), message: z.string(), nodeId: z.string().optional() })
  .openapi("SaveWarning");
export const Workflow = WorkflowSummary.extend({
  nodes: z.array(WorkflowNodeSchema),
  edges: z.array(WorkflowEdgeSchema),
  settings: WorkflowSettingsSchema,
  pinData: PinDataSchema.optional(),
  warnings: z.array(SaveWarning).optional().openapi({ description: "Only when the save changed something" }),
}).openapi("Workflow");
/** `?format=n8n`: the body is an n8n workflow export, converted by workflow-import-n8n.ts. */
const ImportQuery = z.object({
  format: z
    .enum(["nodebase", "n8n"])
    .optional()
    .openapi({
      description:
        "n8n: the body is an n8n workflow export ({ name, nodes, connections, pinData?, settings? }), converted " +
        "(see docs/n8n-import.md); a file that is not one answers 422 `invalid_n8n_workflow` saying why",
    }),
});
const ImportedWorkflow = Workflow.extend({
  importReport: z
    .array(
      z.object({
        nodeName: z.string(),
        status: z.enum(["converted", "approximated", "unsupported"]),
        message: z.string(),
      }),
    )
    .optional()
    .openapi({ description: "format=n8n only: what became of each n8n node" }),
}).openapi("ImportedWorkflow");
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const documentBody = {
  required: true,
  content: { "application/json": { schema: WorkflowDocumentSchema } },
};
const saveErrors = {
  400: errorResponse("`invalid_json`: the body is not JSON"),
  413: errorResponse("`payload_too_large`: the body is over the limit"),
  422: errorResponse(
    "`invalid_workflow`: details list each problem with nodeId, nodeName, edgeId, field " +
      "(field `credentialId`: another user's credential, or a type the node does not take; field " +
      "`settings.errorWorkflowId`: not a workflow of yours with an errorTrigger, or this workflow itself; " +
      "`settings.maxConcurrency`: out of 1..100; `settings.executionMode`: code `not_allowed_in_fast_mode`, " +
      "a node that pauses in a fast workflow)",
  ),
};
const tags = ["Workflows"];

const summary = (w: Omit<WorkflowRow, "settings" | "pinData">) => ({
  id: w.id,
  name: w.name,
  active: w.active,
  version: w.version,
  tags: w.tags ?? [],
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});
/** The workflow as GET answers it; `warnings` from the save that produced it, when there are any. */
export const full = (w: StoredWorkflow, warnings: SaveWarning[] = []) => ({
  ...summary(w),
  nodes: w.nodes,
  edges: w.edges,
  settings: w.settings,
  ...(w.pinData && Object.keys(w.pinData).length > 0 ? { pinData: w.pinData } : {}),
  ...(warnings.length > 0 ? { warnings } : {}),
});
export type SaveWarning = z.infer<typeof SaveWarning>;

/**
 * Validates the body as a whole (a 422 naming node and field otherwise), drops pins that name no node
 * (warnings say which) and gives URL-trigger nodes their webhookIds: kept from `existing` for the same
 * node id, new (128 random bits) otherwise. A client-sent webhookId is never trusted.
 */
export function prepareDocument(
  body: unknown,
  existing: Map<string, string>,
): { doc: StoredDocument; warnings: SaveWarning[] } {
  const result = validateWorkflowDocument(body);
  if (!result.ok) {
    const first = result.problems[0];
    const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more)` : "";
    throw new ApiError(422, "invalid_workflow", `${first.message}${more}`, result.problems);
  }
  const doc = result.document;
  const { pinData, warnings } = keepKnownPins(doc.pinData, new Set(doc.nodes.map((n) => n.id)));
  const prepared: StoredDocument = {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const { webhookId: _ignored, ...rest } = n;
      return needsWebhookId(n.type) ? { ...rest, webhookId: existing.get(n.id) ?? newWebhookId() } : rest;
    }),
  };
  if (pinData) prepared.pinData = pinData;
  else delete prepared.pinData;
  return { doc: prepared, warnings };
}

/** Pins for node ids the document does not have are dropped, not refused: deleting a node keeps saving. */
export function keepKnownPins(
  pinData: Record<string, unknown> | undefined,
  nodeIds: ReadonlySet<string>,
): { pinData: Record<string, unknown> | undefined; warnings: SaveWarning[] } {
  if (!pinData) return { pinData: undefined, warnings: [] };
  const kept: Record<string, unknown> = {};
  const warnings: SaveWarning[] = [];
  for (const [nodeId, value] of Object.entries(pinData)) {
    if (nodeIds.has(nodeId)) kept[nodeId] = value;
    else
      warnings.push({
        code: "pin_dropped",
        nodeId,
        message: `pinData.${nodeId}: no node has id '${nodeId}'; its pinned data was dropped`,
      });
  }
  return { pinData: Object.keys(kept).length > 0 ? kept : undefined, warnings };
}

export function newWebhookId(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Route-level hook for the save routes: a body that fails the document's shape gets the same 422
 * `invalid_workflow` (naming node and field) as one that fails the graph checks.
 */
function documentHook(result: { success: boolean; target: string }): undefined {
  if (result.success) return;
  // zod-validator passes the raw value as `data` on failure too (not in its type).
  const raw = (result as { data?: unknown }).data;
  if (result.target !== "json") throw new ApiError(400, "invalid_request", `Invalid ${result.target}`);
  prepareDocument(raw, new Map());
  throw new ApiError(422, "invalid_workflow", "Invalid workflow document");
}

/** Runs a storage write, answering its known failures in the API's terms. */
export async function saving<T>(doc: StoredDocument, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof VersionConflict) throw new ApiError(409, "version_conflict", err.message);
    if (err instanceof UnknownCredential) {
      const details = doc.nodes
        .filter((n) => n.credentialId)
        .map((n) => ({
          code: "unknown_credential",
          message: err.message,
          nodeId: n.id,
          nodeName: n.name,
          field: "credentialId",
        }));
      throw new ApiError(
        422,
        "invalid_workflow",
        `${err.message} (one of: ${details.map((d) => d.nodeName).join(", ")})`,
        details,
      );
    }
    throw err;
  }
}

export async function loadOwned(c: { env: Env; var: { userId: string } }, id: string) {
  const wf = await getWorkflow(getDb(c.env.DB), c.var.userId, id);
  if (!wf) throw notFound("Workflow");
  return wf;
}

workflowsApp.openapi(
  createRoute({
    method: "get",
    path: "/workflows",
    tags,
    summary: "List your workflows (most recently changed first)",
    security,
    request: {
      query: ListQuery.extend({
        search: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: "Only workflows whose name contains this (case-insensitive)" }),
        tag: z
          .string()
          .max(50)
          .optional()
          .openapi({ description: "Only workflows with this tag (case-insensitive)" }),
      }),
    },
    responses: {
      200: json(pageOf(WorkflowSummary), "A page of workflows"),
      400: errorResponse("Bad limit or cursor"),
      ...authErrors,
    },
  }),
  async (c) => {
    const { limit, cursor, search, tag } = c.req.valid("query");
    const filter = { search: search?.trim() || undefined, tag: tag?.trim() || undefined };
    const page = await listWorkflows(getDb(c.env.DB), c.var.userId, limit, parseCursor(cursor), filter);
    return c.json({ items: page.items.map(summary), nextCursor: page.nextCursor }, 200);
  },
);

for (const [path, what] of [
  ["/workflows", "Create a workflow (version 1)"],
  ["/workflows/import", "Import an exported document as a new workflow (new ids for it and its webhooks)"],
] as const) {
  workflowsApp.openapi(
    createRoute({
      method: "post",
      path,
      tags,
      summary: what,
      security,
      request:
        path === "/workflows/import" ? { body: documentBody, query: ImportQuery } : { body: documentBody },
      responses:
        path === "/workflows/import"
          ? { 201: json(ImportedWorkflow, "Created"), ...saveErrors, ...authErrors }
          : { 201: json(Workflow, "Created"), ...saveErrors, ...authErrors },
    }),
    async (c) => {
      const db = getDb(c.env.DB);
      const { doc, warnings } = prepareDocument(c.req.valid("json"), new Map());
      await assertNodeCredentials(db, c.var.userId, doc.nodes);
      await assertWorkflowSettings(db, c.var.userId, doc.settings);
      assertExecutionMode(doc.settings, doc.nodes);
      await assertSubWorkflowTargets(db, c.var.userId, doc);
      const id = await saving(doc, () => createWorkflow(db, c.var.userId, doc));
      return c.json(full(await loadOwned(c, id), warnings), 201);
    },
    documentHook,
  );
}

workflowsApp.openapi(
  createRoute({
    method: "get",
    path: "/workflows/{id}",
    tags,
    summary: "Get a workflow with its nodes and edges",
    security,
    request: { params: IdParam },
    responses: {
      200: json(Workflow, "The workflow"),
      404: errorResponse("No such workflow of yours"),
      ...authErrors,
    },
  }),
  async (c) => c.json(full(await loadOwned(c, c.req.valid("param").id)), 200),
);

workflowsApp.openapi(
  createRoute({
    method: "put",
    path: "/workflows/{id}",
    tags,
    summary: "Replace the whole document (bumps version, writes a snapshot)",
    security,
    request: { params: IdParam, body: documentBody },
    responses: {
      200: json(Workflow, "Saved"),
      404: errorResponse("No such workflow of yours"),
      409: errorResponse("`version_conflict`: saved concurrently by another request"),
      ...saveErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const { id } = c.req.valid("param");
    const row = await getWorkflowRow(db, c.var.userId, id);
    if (!row) throw notFound("Workflow");
    const { doc, warnings } = prepareDocument(c.req.valid("json"), await getWebhookIds(db, id));
    await assertNodeCredentials(db, c.var.userId, doc.nodes);
    await assertWorkflowSettings(db, c.var.userId, doc.settings, id);
    // Settings left out of a PUT stay as saved, and so does their mode.
    assertExecutionMode(
      doc.settings ?? (row.settings as Parameters<typeof assertExecutionMode>[0]),
      doc.nodes,
    );
    await assertSubWorkflowTargets(db, c.var.userId, doc, id);
    await saving(doc, () => replaceWorkflow(db, c.var.userId, id, row.version, doc));
    return c.json(full(await loadOwned(c, id), warnings), 200);
  },
  documentHook,
);

workflowsApp.openapi(
  createRoute({
    method: "delete",
    path: "/workflows/{id}",
    tags,
    summary: "Delete a workflow (and its versions and executions); its unfinished runs are stopped first",
    security,
    request: { params: IdParam },
    responses: {
      204: { description: "Deleted" },
      404: errorResponse("No such workflow of yours"),
      503: errorResponse("`delete_failed`: a run of it could not be stopped; nothing was deleted"),
      ...authErrors,
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const { id } = c.req.valid("param");
    if (!(await getWorkflowRow(db, c.var.userId, id))) throw notFound("Workflow");
    // Its runs stop first: a deleted workflow must not keep calling the outside world.
    const stuck = await stopWorkflowRuns(c.env, id);
    if (stuck.length > 0) {
      throw new ApiError(
        503,
        "delete_failed",
        `${stuck.length} run(s) of this workflow could not be stopped just now, so nothing was deleted: try again`,
        { executionIds: stuck },
      );
    }
    if (!(await deleteWorkflow(db, c.var.userId, id))) throw notFound("Workflow");
    return c.body(null, 204);
  },
);

for (const action of ["activate", "deactivate"] as const) {
  workflowsApp.openapi(
    createRoute({
      method: "post",
      path: `/workflows/{id}/${action}`,
      tags,
      summary:
        action === "activate"
          ? "Turn on its triggers (webhooks, schedules, ...). Needs a trigger and every required credential."
          : "Turn off its triggers",
      security,
      request: { params: IdParam },
      responses: {
        200: json(Workflow, "The workflow, now (in)active"),
        404: errorResponse("No such workflow of yours"),
        ...(action === "activate"
          ? { 422: errorResponse("`no_trigger` or `credential_required` (details name the nodes)") }
          : {}),
        ...authErrors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const wf = await loadOwned(c, id);
      if (action === "activate") {
        if (!hasTrigger(wf))
          throw new ApiError(422, "no_trigger", "A workflow without a trigger node cannot be activated");
        const missing = missingRequiredCredentials(wf);
        if (missing.length > 0) throw new ApiError(422, "credential_required", missing[0].message, missing);
      }
      await setWorkflowActive(getDb(c.env.DB), c.var.userId, id, action === "activate");
      return c.json(full(await loadOwned(c, id)), 200);
    },
  );
}

workflowsApp.openapi(
  createRoute({
    method: "get",
    path: "/workflows/{id}/export",
    tags,
    summary: "Download the workflow document (import it with POST /api/workflows/import)",
    security,
    request: { params: IdParam },
    responses: {
      200: {
        ...json(WorkflowDocumentSchema, "The document, as an attachment"),
        headers: {
          "Content-Disposition": {
            schema: { type: "string" },
            description: 'attachment; filename="<name>.json"',
          },
        },
      },
      404: errorResponse("No such workflow of yours"),
      ...authErrors,
    },
  }),
  async (c) => {
    const wf = await loadOwned(c, c.req.valid("param").id);
    // webhookIds are not part of an export: they are secrets of this workflow, and import assigns new ones.
    const nodes = wf.nodes.map(({ webhookId: _omit, ...n }) => n);
    const filename = (wf.name.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "workflow").slice(0, 80);
    c.header("Content-Disposition", `attachment; filename="${filename}.json"`);
    return c.json(
      {
        name: wf.name,
        nodes,
        edges: wf.edges,
        settings: wf.settings,
        tags: wf.tags ?? [],
        ...(wf.pinData ? { pinData: wf.pinData } : {}),
      },
      200,
    );
  },
);
