/**
 * `POST /api/workflows/:id/run?trigger=<nodeId>`: any trigger is tested from the editor with a payload of
 * the shape it outputs ("Run with sample data"); a payload of the wrong shape is a 422 naming the field.
 */
import { describe, expect, it } from "vitest";
import { webhookTrigger } from "../src/nodes/webhook-trigger";
import { createWorkflow, doc, stepOf, waitFor } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

const orders = doc(
  "Orders",
  [
    { id: "hook", type: "webhookTrigger", name: "Order webhook", parameters: { method: "POST" } },
    { id: "cron", type: "scheduleTrigger", name: "Nightly", parameters: { cron: "0 2 * * *" } },
    {
      id: "sum",
      type: "set",
      name: "Summary",
      parameters: {
        fields: { doubled: "{{ $json.body.total * 2 }}", who: "{{ $trigger.body.customer.name }}" },
      },
    },
    { id: "when", type: "set", name: "When", parameters: { fields: { at: "{{ $json.scheduledFor }}" } } },
  ],
  [
    ["hook", "sum"],
    ["cron", "when"],
  ],
);

const runAt = (user: TestUser, workflowId: string, trigger: string, body: unknown) =>
  user.fetch(`/api/workflows/${workflowId}/run?trigger=${encodeURIComponent(trigger)}`, {
    method: "POST",
    json: body,
  });

const executionCount = async (user: TestUser, workflowId: string) => {
  const res = await user.fetch(`/api/executions?workflowId=${workflowId}`);
  return ((await res.json()) as { items: unknown[] }).items.length;
};

describe("test runs of any trigger", { timeout: 30_000 }, () => {
  it("runs a webhook trigger with its sample payload, only down that trigger's branch", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, orders);
    const res = await runAt(user, workflowId, "hook", webhookTrigger.payload!.sample);
    expect(res.status, await res.clone().text()).toBe(201);
    const e = await waitFor(user, ((await res.json()) as { executionId: string }).executionId);
    expect(e.status).toBe("success");
    expect(e.mode).toBe("manual");
    expect(stepOf(e, "hook")?.output).toEqual(webhookTrigger.payload!.sample);
    expect(stepOf(e, "sum")?.output).toEqual({ doubled: 50, who: "Ada Lovelace" });
    expect(stepOf(e, "when")).toBeUndefined();
  });

  it("runs a schedule trigger with an edited payload", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, orders);
    const payload = { scheduledFor: "2026-02-01T02:00:00.000Z", firedAt: "2026-02-01T02:00:01.000Z" };
    const res = await runAt(user, workflowId, "cron", payload);
    expect(res.status).toBe(201);
    const e = await waitFor(user, ((await res.json()) as { executionId: string }).executionId);
    expect(stepOf(e, "when")?.output).toEqual({ at: "2026-02-01T02:00:00.000Z" });
    expect(stepOf(e, "sum")).toBeUndefined();
  });

  it("refuses a payload of the wrong shape with the node and field, and starts nothing", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, orders);
    const res = await runAt(user, workflowId, "cron", { scheduledFor: "tomorrow" });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown[] } };
    expect(body.error.code).toBe("invalid_trigger");
    expect(body.error.details).toEqual([
      expect.objectContaining({ nodeId: "cron", nodeName: "Nightly", field: "payload.scheduledFor" }),
      expect.objectContaining({
        nodeId: "cron",
        field: "payload.firedAt",
        message: "Nightly: Fired at is required",
      }),
    ]);
    expect(await executionCount(user, workflowId)).toBe(0);
  });

  it("refuses a node that is not a trigger, or not there", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, orders);
    const notTrigger = await runAt(user, workflowId, "sum", {});
    expect(notTrigger.status).toBe(422);
    expect(((await notTrigger.json()) as { error: { message: string } }).error.message).toMatch(
      /"Summary" is not a trigger/,
    );
    expect((await runAt(user, workflowId, "nope", {})).status).toBe(422);
    expect(await executionCount(user, workflowId)).toBe(0);
  });

  it("answers 404 for another user's workflow", async () => {
    const owner = await signUp();
    const workflowId = await createWorkflow(owner, orders);
    const other = await signUp();
    expect((await runAt(other, workflowId, "hook", webhookTrigger.payload!.sample)).status).toBe(404);
  });
});
