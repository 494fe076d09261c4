/**
 * Fixtures for trigger unit tests: a workflow with one trigger node written straight into D1 (the
 * workflows API is tested elsewhere), and `TriggerServices` that record what intake asked for instead of
 * running workflows. Scenario tests (worker/test/webhooks.test.ts) use the real API and engine.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { env } from "cloudflare:workers";
import { apiErrorHandler } from "../../src/http/app";
import type { AppEnv } from "../../src/http/context";
import { createWebhookApp } from "../../src/http/webhooks";
import { getDb } from "../../src/storage/db";
import { credential, node, user, workflow } from "../../src/storage/schema";
import type { FinishedExecution, StartExecutionRequest, TriggerServices } from "../../src/triggers/services";

export interface SeededTrigger {
  userId: string;
  workflowId: string;
  nodeId: string;
  webhookId: string;
  credentialId: string | null;
}

export async function seedTrigger(opts: {
  type: string;
  parameters?: Record<string, unknown>;
  active?: boolean;
  /** Creates a credential row (its secrets live only in the fake services). */
  credentialType?: string;
  updatedAt?: Date;
}): Promise<SeededTrigger> {
  const db = getDb(env.DB);
  const id = crypto.randomUUID();
  const userId = `u-${id}`;
  const workflowId = `wf-${id}`;
  const webhookId = `wh-${id}`;
  await db.insert(user).values({ id: userId, name: "T", email: `${id}@example.test` });
  await db.insert(workflow).values({
    id: workflowId,
    userId,
    name: "Trigger test",
    active: opts.active ?? true,
    ...(opts.updatedAt && { updatedAt: opts.updatedAt }),
  });
  let credentialId: string | null = null;
  if (opts.credentialType) {
    credentialId = `cred-${id}`;
    await db.insert(credential).values({
      id: credentialId,
      userId,
      name: "c",
      type: opts.credentialType,
      publicData: {},
      keyId: "k1",
      iv: "unused",
      ciphertext: "unused",
    });
  }
  await db.insert(node).values({
    workflowId,
    id: "trigger",
    type: opts.type,
    name: "Trigger",
    parameters: opts.parameters ?? {},
    credentialId,
    webhookId: opts.type === "scheduleTrigger" ? null : webhookId,
  });
  return { userId, workflowId, nodeId: "trigger", webhookId, credentialId };
}

/** Services that record starts, answer waits from a script, and hand out credentials by id. */
export function recordingServices(
  opts: {
    credentials?: Record<string, { type: string; data: Record<string, unknown> }>;
    finished?: FinishedExecution | null;
    failStart?: boolean;
  } = {},
) {
  const started: StartExecutionRequest[] = [];
  const waited: { executionId: string; timeoutMs: number }[] = [];
  const services: TriggerServices = {
    async startExecution(_env, request) {
      if (opts.failStart) throw new Error("engine unavailable");
      started.push(request);
      return { executionId: `exec-${started.length}` };
    },
    async waitForExecution(_env, executionId, timeoutMs) {
      waited.push({ executionId, timeoutMs });
      return opts.finished ?? null;
    },
    async waitForAnswer(_env, executionId, timeoutMs) {
      waited.push({ executionId, timeoutMs });
      return opts.finished ? { finished: opts.finished } : null;
    },
    async loadCredential(_env, { credentialId, acceptedTypes }) {
      const found = opts.credentials?.[credentialId];
      if (!found || !acceptedTypes.includes(found.type))
        throw new Error(`credential ${credentialId} not found`);
      return found;
    },
  };
  return { services, started, waited };
}

/** Calls the webhook routes alone (with the app's error handler) backed by `services`. */
export function callWebhooks(services: TriggerServices, path: string, init?: RequestInit) {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(apiErrorHandler);
  app.route("/", createWebhookApp(services));
  return app.request(`http://local.test${path}`, init, env);
}

export const postJson = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
