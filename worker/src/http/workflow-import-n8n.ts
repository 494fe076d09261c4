/**
 * `POST /api/workflows/import?format=n8n`: converts an n8n workflow export (n8n-import/convert.ts) and
 * saves it like any import (new ids, inactive). The answer is the workflow plus `importReport`, one
 * entry per n8n node. It runs as middleware in front of the import route, because the route's body
 * schema is our own document and an n8n file would fail it. The OpenAPI entry is the import route's.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { convertN8nWorkflow, NotAnN8nExport } from "../n8n-import/convert";
import { getNodeType } from "../nodes/registry";
import { getDb } from "../storage/db";
import { createWorkflow, workflowIdsByName } from "../storage/workflows";
import type { AppEnv } from "./context";
import { assertNodeCredentials } from "./credential-errors";
import { ApiError, unauthorized } from "./errors";
import { readOptionalJson } from "./executions";
import { resolveUserId } from "./require-user";
import { assertSubWorkflowTargets, assertWorkflowSettings } from "./workflow-settings";
import { full, loadOwned, prepareDocument, saving } from "./workflows";

/** Names of the workflows that n8n's Execute Workflow nodes call (`workflowId.cachedResultName`). */
function calledWorkflowNames(body: unknown): string[] {
  const nodes = (body as { nodes?: unknown })?.nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((n) => {
    const name = (n as { parameters?: { workflowId?: { cachedResultName?: unknown } } })?.parameters
      ?.workflowId?.cachedResultName;
    return typeof name === "string" ? [name] : [];
  });
}

export const workflowImportN8nApp = new OpenAPIHono<AppEnv>();

workflowImportN8nApp.use("/workflows/import", async (c, next) => {
  if (c.req.method !== "POST" || c.req.query("format") !== "n8n") return next();
  const userId = await resolveUserId(c.env, c.req.raw);
  if (!userId) throw unauthorized();
  c.set("userId", userId);
  const body = await readOptionalJson(c.req);
  const db = getDb(c.env.DB);
  const called = await workflowIdsByName(db, c.var.userId, calledWorkflowNames(body));
  let converted: ReturnType<typeof convertN8nWorkflow>;
  try {
    converted = convertN8nWorkflow(body, {
      workflowIdByName: (name) => called.get(name),
      hasType: (type) => getNodeType(type) !== undefined,
    });
  } catch (error) {
    if (error instanceof NotAnN8nExport) throw new ApiError(422, "invalid_n8n_workflow", error.message);
    throw error;
  }
  const { doc, warnings } = prepareDocument(converted.document, new Map());
  await assertNodeCredentials(db, c.var.userId, doc.nodes);
  await assertWorkflowSettings(db, c.var.userId, doc.settings);
  await assertSubWorkflowTargets(db, c.var.userId, doc);
  const id = await saving(doc, () => createWorkflow(db, c.var.userId, doc));
  const saved = full(await loadOwned(c, id), [...converted.warnings, ...warnings]);
  return c.json({ ...saved, importReport: converted.report }, 201);
});
