/**
 * The Hono app: one sub-app per resource, mounted under /api, plus webhook intake.
 * Handlers validate with zod at the edge and call storage/ functions; no SQL here.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ErrorHandler, NotFoundHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./context";
import { apiKeysApp } from "./api-keys";
import { authApp } from "./auth";
import { credentialRotationApp } from "./credential-rotation";
import { credentialsApp } from "./credentials";
import { executionControlApp } from "./execution-control";
import { executionItemsApp } from "./execution-items";
import { executionRetentionApp } from "./execution-retention";
import { executionsApp } from "./executions";
import { expressionPreviewApp } from "./expression-preview";
import { nodeTypesApp } from "./node-types";
import { mountOpenApi } from "./openapi";
import { workflowDuplicateApp } from "./workflow-duplicate";
import { workflowImportN8nApp } from "./workflow-import-n8n";
import { workflowVersionsApp } from "./workflow-versions";
import { workflowsApp } from "./workflows";
import { ApiError, errorBody } from "./errors";
import { oauth2App } from "./oauth2";
import { securityHeaders } from "./security-headers";
import { createWebhookApp } from "./webhooks";
import { resumeApp } from "./webhooks-resume";
import { engineBacklogApp } from "./engine-backlog";
import { boundRequestsPerCredential } from "./in-flight";
import { realTriggerServices } from "../triggers/real-services";

/** Largest JSON body the API accepts: a workflow document must also fit one D1 row (2 MB) as a snapshot. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The Worker's `fetch`. Webhook calls (`/webhooks/<id>`, `/webhooks-test/<id>`) go to an app of their own:
 * the API's routes mix wildcard middleware with parameters, which leaves Hono on its trie router, and a
 * CPU profile showed a webhook call spending ~1.5 ms of its ~18 ms walking those 70 routes; the intake app's
 * two routes compile to one regular expression. Resume links stay on the full app (their
 * `/webhooks/resume/:token` beside `/webhooks/:webhookId` is a pair Hono's regexp router refuses), and the
 * full app mounts the webhook routes too (for the OpenAPI document, and for tests that call it directly),
 * so a path sent either way gets the same answer.
 */
export function createFetch(): (
  request: Request,
  env: Env,
  ctx: ExecutionContext,
) => Response | Promise<Response> {
  const app = createApp();
  const intake = createIntakeApp();
  return (request, env, ctx) => (goesToIntake(request.url) ? intake : app).fetch(request, env, ctx);
}

/** Whether `createFetch` hands this URL to the intake app (a prefix test: no URL parsing on the hot path). */
export function goesToIntake(url: string): boolean {
  const pathStart = url.indexOf("/", url.indexOf("://") + 3);
  return url.startsWith("/webhooks", pathStart) && !url.startsWith("/webhooks/resume/", pathStart);
}

/** Webhook intake, with the same headers, errors and 404 as the full app. */
export function createIntakeApp() {
  const app = baseApp();
  app.route("/", createWebhookApp(realTriggerServices));
  app.notFound(notFound);
  return app;
}

function baseApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(apiErrorHandler);
  app.use("*", securityHeaders);
  return app;
}

const notFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404);

export function createApp() {
  const app = baseApp();
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `Request body is over ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.use("/api/*", boundRequestsPerCredential);
  app.route("/api", authApp);
  app.route("/api", apiKeysApp);
  // Before workflowsApp: it takes POST /workflows/import?format=n8n, whose body is not our document.
  app.route("/api", workflowImportN8nApp);
  app.route("/api", workflowsApp);
  app.route("/api", workflowVersionsApp);
  app.route("/api", workflowDuplicateApp);
  app.route("/api", executionsApp);
  app.route("/api", executionControlApp);
  app.route("/api", executionItemsApp);
  app.route("/api", executionRetentionApp);
  app.route("/api", nodeTypesApp);
  app.route("/api", expressionPreviewApp);
  app.route("/api", credentialsApp);
  app.route("/api", credentialRotationApp);
  app.route("/api", oauth2App);

  app.route("/", resumeApp);
  // Local supervisor only (404 unless NODEBASE_ENV is development).
  app.route("/", engineBacklogApp);
  app.route("/", createWebhookApp(realTriggerServices));
  mountOpenApi(app);

  app.notFound(notFound);

  return app;
}

/** Turns anything thrown below a handler into our error shape (exported for sub-app unit tests). */
export const apiErrorHandler: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) {
    // A 5xx is ours to look into. No path: a webhook's URL is its only credential.
    if (err.status >= 500) console.error("answered", err.status, err.code, c.req.method, err.message);
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    // Hono's JSON validator throws this for a body that does not parse.
    const code =
      err.status === 400 && /Malformed JSON/i.test(err.message) ? "invalid_json" : httpCode(err.status);
    return c.json(errorBody(code, err.message || "Request failed"), err.status);
  }
  console.error("unhandled error", c.req.method, c.req.path, err);
  return c.json(errorBody("internal", "Internal server error"), 500);
};

/** zod-openapi calls this when a request fails its schema: answer with our error shape, naming the fields. */
function validationHook(result: { success: boolean; error?: unknown; target?: string }, c: any) {
  if (result.success) return;
  const issues = (result.error as { issues?: { path: PropertyKey[]; message: string }[] })?.issues ?? [];
  return c.json(
    errorBody(
      "invalid_request",
      `Invalid ${result.target ?? "request"}: ${issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
      issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    ),
    400,
  );
}

function httpCode(status: number): string {
  if (status === 413) return "payload_too_large";
  if (status === 415) return "unsupported_media_type";
  if (status === 401) return "unauthorized";
  if (status === 404) return "not_found";
  return status >= 500 ? "internal" : "bad_request";
}
