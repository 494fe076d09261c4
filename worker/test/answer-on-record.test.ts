/**
 * `answerOnRecord` (a webhook with `respond: "immediately"`): a durable run is answered once its row is
 * recorded, and its Workflow instance is created after the answer. The answer must not wait for the
 * instance, and a create that fails then must lose nothing: the run stays `queued` for the reconciler.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RECONCILE_GRACE_MS, reconcileExecutions } from "../src/engine/reconciler";
import { startExecution } from "../src/engine/start-execution";
import { getDb } from "../src/storage/db";
import { findExecution } from "../src/storage/executions";
import { chain, finished, saveWorkflow } from "./engine-fixtures";
import { signUp } from "./helpers";

async function webhookSetWorkflow(userId: string) {
  return saveWorkflow(userId, {
    nodes: [
      {
        id: "hook",
        type: "webhookTrigger",
        name: "Webhook",
        parameters: { method: "POST", respond: "immediately" },
      },
      { id: "d", type: "set", name: "Double", parameters: { fields: { doubled: "{{ $json.body.n * 2 }}" } } },
    ],
    edges: chain("hook", "d"),
  });
}

type CreateOptions = NonNullable<Parameters<Env["RUN_WORKFLOW"]["create"]>[0]>;

/** The real binding, except that `create` goes through `create` here. */
function withCreate(create: (options: CreateOptions) => Promise<unknown>): Env {
  const real = env.RUN_WORKFLOW;
  const binding = {
    create,
    createBatch: (batch: CreateOptions[]) => real.createBatch(batch),
    get: (id: string) => real.get(id),
  };
  return { ...env, RUN_WORKFLOW: binding as unknown as Env["RUN_WORKFLOW"] };
}

const request = (userId: string, workflowId: string, keepAlive: (p: Promise<unknown>) => void) => ({
  userId,
  workflowId,
  mode: "webhook" as const,
  triggerData: { method: "POST", headers: {}, query: {}, body: { n: 21 } },
  answerOnRecord: true,
  keepAlive,
});

const status = async (id: string) => (await findExecution(getDb(env.DB), id))?.status;

describe("answerOnRecord: the instance is created after the answer", () => {
  it("answers with a recorded run before its instance is created, and the run then ends once", async () => {
    const user = await signUp();
    const workflowId = await webhookSetWorkflow(user.userId);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let creates = 0;
    const background: Promise<unknown>[] = [];
    const started = await startExecution(
      withCreate(async (options) => {
        creates++;
        await held;
        return env.RUN_WORKFLOW.create(options);
      }),
      request(user.userId, workflowId, (p) => background.push(p)),
    );

    // Answered: the run is recorded and visible, its instance not yet asked for to the end.
    expect(await status(started.executionId)).toBe("queued");
    expect(background).toHaveLength(1);
    release();
    await Promise.all(background);
    const { execution, steps } = await finished(started.executionId);
    expect(execution.status).toBe("success");
    expect(steps.d).toMatchObject({ status: "success", output: { doubled: 42 }, attempts: 1 });
    expect(creates).toBe(1);
  });

  it("leaves a run whose create failed after the answer queued, and the reconciler runs it", async () => {
    const user = await signUp();
    const workflowId = await webhookSetWorkflow(user.userId);
    const background: Promise<unknown>[] = [];
    const started = await startExecution(
      withCreate(() => Promise.reject(new Error("Workflows is unavailable"))),
      request(user.userId, workflowId, (p) => background.push(p)),
    );
    await Promise.all(background);

    // Not `error`: the sender was told the run was accepted, so it must still run.
    expect(await status(started.executionId)).toBe("queued");
    await expect(env.RUN_WORKFLOW.get(started.executionId)).rejects.toThrow();

    const report = await reconcileExecutions(env, Date.now() + RECONCILE_GRACE_MS + 1_000);
    expect(report.created).toBeGreaterThanOrEqual(1);
    const { execution, steps } = await finished(started.executionId);
    expect(execution.status).toBe("success");
    expect(steps.d).toMatchObject({ status: "success", output: { doubled: 42 }, attempts: 1 });
  });

  it("without answerOnRecord, a failed create still ends the run `error` before anyone is answered", async () => {
    const user = await signUp();
    const workflowId = await webhookSetWorkflow(user.userId);
    const { answerOnRecord: _, ...plain } = request(user.userId, workflowId, () => {});
    const failing = withCreate(() => Promise.reject(new Error("Workflows is unavailable")));
    await expect(startExecution(failing, plain)).rejects.toThrow(/Could not start the run/);
  });
});
