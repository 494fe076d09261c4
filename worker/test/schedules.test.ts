/**
 * The Worker's own `scheduled()` export with the real engine: a schedule saved and activated through the
 * API fires once per minute slot even when the handler runs twice, and only while active.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { getDb } from "../src/storage/db";
import { workflowExecution } from "../src/storage/schema";
import { finished } from "./engine-fixtures";
import { signUp } from "./helpers";
import { createWorkflow } from "./trigger-scenarios";

async function fireCron(at: Date) {
  const controller = createScheduledController({ scheduledTime: at, cron: "* * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

const executionsOf = (workflowId: string) =>
  getDb(env.DB).select().from(workflowExecution).where(eq(workflowExecution.workflowId, workflowId));

/** The next whole minute after now, so the slot is after the workflow was saved (not a "missed" one). */
const nextMinute = () => new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);

describe("scheduled() in the Worker", () => {
  it("starts one run for a due minute when the cron handler fires twice, with { scheduledFor, firedAt }", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, [
      {
        id: "every",
        type: "scheduleTrigger",
        name: "Every minute",
        parameters: { cron: "* * * * *", timezone: "UTC" },
      },
      { id: "note", type: "set", name: "Note", parameters: { fields: { at: "{{ $json.scheduledFor }}" } } },
    ]);
    const slot = nextMinute();
    await fireCron(slot);
    await fireCron(slot);

    const rows = await executionsOf(wf.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ mode: "schedule", triggerNodeId: "every" });
    const { execution, steps } = await finished(rows[0].id);
    expect(execution.status).toBe("success");
    expect(steps.every.output).toEqual({ scheduledFor: slot.toISOString(), firedAt: expect.any(String) });
    expect(steps.note.output).toEqual({ at: slot.toISOString() });
  });

  it("stops firing the minute after the workflow is deactivated", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, [
      { id: "every", type: "scheduleTrigger", name: "Every minute", parameters: { cron: "* * * * *" } },
    ]);
    const deactivated = await user.fetch(`/api/workflows/${wf.id}/deactivate`, { method: "POST" });
    expect(deactivated.status).toBe(200);
    await fireCron(nextMinute());
    expect(await executionsOf(wf.id)).toHaveLength(0);
  });
});
