import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { startErrorWorkflow } from "../../src/engine/error-workflow";
import { createWorkflow, doc, getExecution, runWorkflow, waitFor } from "../api-helpers-engine";
import { signUp } from "../helpers";
import { createWithSettings, executionsOf, finishedRunsOf } from "./helpers";

const errorWorkflowDoc = (name = "On failure") =>
  doc(
    name,
    [
      { id: "et", type: "errorTrigger", name: "Error" },
      {
        id: "note",
        type: "set",
        name: "Note",
        parameters: { fields: { what: "{{ $json.workflow.name }}: {{ $json.execution.error.message }}" } },
      },
    ],
    [["et", "note"]],
  );

const failingDoc = (name = "Orders") =>
  doc(
    name,
    [
      { id: "t", type: "manualTrigger", name: "Start" },
      { id: "boom", type: "stopAndError", name: "Boom", parameters: { message: "no total" } },
    ],
    [["t", "boom"]],
  );

describe("error workflows", { timeout: 30_000 }, () => {
  it("starts exactly one error-workflow run per failed execution, with a link to it", async () => {
    const user = await signUp();
    const onFailure = await createWorkflow(user, errorWorkflowDoc());
    const orders = await createWithSettings(user, failingDoc(), { errorWorkflowId: onFailure });

    const failedId = await runWorkflow(user, orders);
    expect((await waitFor(user, failedId)).status).toBe("error");
    const [run] = await finishedRunsOf(user, onFailure);
    const detail = await getExecution(user, run.id);
    expect(detail).toMatchObject({ status: "success", mode: "error" });
    expect(detail.steps.find((s) => s.nodeId === "et")!.output).toEqual({
      execution: {
        id: failedId,
        workflowId: orders,
        mode: "manual",
        error: { message: "no total", nodeId: "boom", nodeName: "Boom" },
        url: `http://local.test/executions/${failedId}`,
      },
      workflow: { id: orders, name: "Orders" },
    });
    expect(detail.steps.find((s) => s.nodeId === "note")!.output).toEqual({ what: "Orders: no total" });

    // The durable step asked again (a retry or a replay) names the same execution and starts nothing new.
    const again = await startErrorWorkflow(env, failedId);
    expect(again).toEqual({ started: true, executionId: run.id });
    expect(await executionsOf(user, onFailure)).toHaveLength(1);
  });

  it("never starts one for a run that succeeded, nor for a failed run of an error workflow", async () => {
    const user = await signUp();
    const last = await createWorkflow(user, errorWorkflowDoc("Last resort"));
    // An error workflow that itself fails, and names another error workflow.
    const failingHandler = await createWithSettings(
      user,
      doc(
        "Failing handler",
        [
          { id: "et", type: "errorTrigger", name: "Error" },
          { id: "boom", type: "stopAndError", name: "Boom", parameters: { message: "handler broke" } },
        ],
        [["et", "boom"]],
      ),
      { errorWorkflowId: last },
    );
    const orders = await createWithSettings(user, failingDoc(), { errorWorkflowId: failingHandler });
    const fine = await createWithSettings(
      user,
      doc("Fine", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
      { errorWorkflowId: failingHandler },
    );

    await waitFor(user, await runWorkflow(user, fine));
    await waitFor(user, await runWorkflow(user, orders));
    const [handlerRun] = await finishedRunsOf(user, failingHandler);
    expect(handlerRun.status).toBe("error");
    expect(await startErrorWorkflow(env, handlerRun.id)).toMatchObject({ started: false });
    expect(await executionsOf(user, failingHandler)).toHaveLength(1);
    expect(await executionsOf(user, last)).toHaveLength(0);
  });

  it("refuses at save an error workflow that is unknown, another user's, without errorTrigger, or itself", async () => {
    const user = await signUp();
    const other = await signUp();
    const foreign = await createWorkflow(other, errorWorkflowDoc());
    const plain = await createWorkflow(user, failingDoc("Plain"));
    const expect422 = async (res: Response, text: RegExp) => {
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { message: string; details: { field: string }[] } };
      expect(body.error.message).toMatch(text);
      expect(body.error.details[0].field).toBe("settings.errorWorkflowId");
    };
    const create = (errorWorkflowId: string) =>
      user.fetch("/api/workflows", {
        method: "POST",
        json: { ...failingDoc(), settings: { errorWorkflowId } },
      });
    await expect422(await create("nope"), /no workflow of yours/);
    await expect422(await create(foreign), /no workflow of yours/);
    await expect422(await create(plain), /no errorTrigger/);

    const handler = await createWorkflow(user, errorWorkflowDoc());
    await expect422(
      await user.fetch(`/api/workflows/${handler}`, {
        method: "PUT",
        json: { ...errorWorkflowDoc(), settings: { errorWorkflowId: handler } },
      }),
      /its own error workflow/,
    );
    expect(await executionsOf(user, handler)).toHaveLength(0);
  });

  it("keeps settings across GET and export; refuses maxConcurrency out of 1..100", async () => {
    const user = await signUp();
    const handler = await createWorkflow(user, errorWorkflowDoc());
    const id = await createWithSettings(user, failingDoc(), { errorWorkflowId: handler, maxConcurrency: 3 });
    const got = (await (await user.fetch(`/api/workflows/${id}`)).json()) as { settings: unknown };
    expect(got.settings).toEqual({ errorWorkflowId: handler, maxConcurrency: 3 });
    const exported = (await (await user.fetch(`/api/workflows/${id}/export`)).json()) as {
      settings: unknown;
    };
    expect(exported.settings).toEqual({ errorWorkflowId: handler, maxConcurrency: 3 });
    for (const maxConcurrency of [0, 101, 2.5]) {
      const res = await user.fetch("/api/workflows", {
        method: "POST",
        json: { ...failingDoc(), settings: { maxConcurrency } },
      });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { details: { field: string }[] } };
      expect(body.error.details[0].field).toBe("settings.maxConcurrency");
    }
  });
});
