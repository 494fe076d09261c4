import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createWorkflow, doc, getExecution, runWorkflow, stepOf, waitFor } from "./api-helpers-engine";
import { call, signUp } from "./helpers";

const doubler = doc(
  "Double it",
  [
    { id: "t", type: "manualTrigger", name: "Start" },
    { id: "d", type: "set", name: "Double", parameters: { fields: { doubled: "{{ $json.n * 2 }}" } } },
  ],
  [["t", "d"]],
);

const approval = doc(
  "Approval",
  [
    { id: "t", type: "manualTrigger", name: "Start" },
    {
      id: "e",
      type: "waitForEvent",
      name: "Approval",
      parameters: { event: "approved", timeoutSeconds: 3600 },
    },
    {
      id: "after",
      type: "set",
      name: "After",
      parameters: { fields: { by: "{{ $json.by }}", n: "{{ $trigger.n }}" } },
    },
  ],
  [
    ["t", "e"],
    ["e", "after"],
  ],
);

describe("executions API", { timeout: 30_000 }, () => {
  it("runs a workflow and returns the exact execution record", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, doubler);
    const id = await runWorkflow(user, workflowId, { n: 21 });
    const e = await waitFor(user, id);
    expect(e).toMatchObject({
      id,
      workflowId,
      version: 1,
      status: "success",
      mode: "manual",
      retryOf: null,
      error: null,
      triggerData: { n: 21 },
    });
    expect(e.steps).toEqual([
      {
        nodeId: "t",
        nodeName: "Start",
        status: "success",
        attempts: 1,
        input: null,
        output: { n: 21 },
        error: null,
        // Only a code node records console lines.
        logs: null,
        pinned: false,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      },
      {
        nodeId: "d",
        nodeName: "Double",
        status: "success",
        attempts: 1,
        input: { n: 21 },
        output: { doubled: 42 },
        error: null,
        logs: null,
        pinned: false,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      },
    ]);
  });

  it("runs with an empty body as {} and refuses a workflow without a manual trigger", async () => {
    const user = await signUp();
    const id = await runWorkflow(user, await createWorkflow(user, doubler));
    expect((await waitFor(user, id)).triggerData).toEqual({});
    const hookOnly = await createWorkflow(
      user,
      doc("Hook", [{ id: "h", type: "webhookTrigger", name: "Hook", parameters: { method: "POST" } }], []),
    );
    const res = await user.fetch(`/api/workflows/${hookOnly}/run`, { method: "POST", json: {} });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_trigger");
  });

  it("lists executions newest first, filtered and paginated", async () => {
    const user = await signUp();
    const a = await createWorkflow(user, doubler);
    const b = await createWorkflow(user, doubler);
    const ids = [];
    for (const wf of [a, b, a]) {
      const id = await runWorkflow(user, wf, { n: 1 });
      await waitFor(user, id);
      ids.push(id);
    }
    const page1 = (await (await user.fetch("/api/executions?limit=2")).json()) as {
      items: { id: string; status: string }[];
      nextCursor: string | null;
    };
    expect(page1.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const page2 = (await (await user.fetch(`/api/executions?limit=2&cursor=${page1.nextCursor}`)).json()) as {
      items: { id: string }[];
      nextCursor: string | null;
    };
    expect(page2).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const onlyA = (await (await user.fetch(`/api/executions?workflowId=${a}`)).json()) as {
      items: { id: string }[];
    };
    expect(onlyA.items.map((i) => i.id)).toEqual([ids[2], ids[0]]);
    const errors = (await (await user.fetch("/api/executions?status=error")).json()) as { items: unknown[] };
    expect(errors.items).toEqual([]);
    expect((await user.fetch("/api/executions?status=nope")).status).toBe(400);
  });

  it("delivers an event through the API to a waiting run", async () => {
    const user = await signUp();
    const id = await runWorkflow(user, await createWorkflow(user, approval), { n: 5 });
    await waitFor(user, id, (e) => e.status === "waiting");
    const res = await user.fetch(`/api/executions/${id}/events/approved`, {
      method: "POST",
      json: { by: "ana" },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ executionId: id, event: "approved" });
    const e = await waitFor(user, id);
    expect(e.status).toBe("success");
    expect(stepOf(e, "e")).toMatchObject({ status: "success", output: { by: "ana" } });
    expect(stepOf(e, "after")?.output).toEqual({ by: "ana", n: 5 });
    const late = await user.fetch(`/api/executions/${id}/events/approved`, { method: "POST", json: {} });
    expect(late.status).toBe(409);
  });

  it("cancels a run during a wait: execution and waiting step canceled, instance terminated", async () => {
    const user = await signUp();
    const id = await runWorkflow(user, await createWorkflow(user, approval), { n: 1 });
    await waitFor(user, id, (e) => e.status === "waiting");
    const res = await user.fetch(`/api/executions/${id}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; steps: { nodeId: string; status: string }[] };
    expect(body.status).toBe("canceled");
    expect(body.steps.map((s) => [s.nodeId, s.status])).toEqual([
      ["t", "success"],
      ["e", "canceled"],
    ]);
    expect((await (await env.RUN_WORKFLOW.get(id)).status()).status).toBe("terminated");
    expect((await user.fetch(`/api/executions/${id}/cancel`, { method: "POST" })).status).toBe(409);
    const e = await getExecution(user, id);
    expect(e.finishedAt).not.toBeNull();
  });

  it("retries fromFailed: reuses outputs before the failed node and re-runs from it", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(
      user,
      doc(
        "Retry me",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          { id: "a", type: "set", name: "Stamp", parameters: { fields: { ranIn: "{{ $execution.id }}" } } },
          {
            id: "b",
            type: "set",
            name: "Fragile",
            retry: { maxAttempts: 1, backoff: "constant", delayMs: 0 },
            // Fails in the run that stamped `a` (its own execution id), succeeds in a retry that reuses `a`.
            parameters: {
              fields: {
                stamp: '{{ $json.ranIn = $execution.id ? $error("upstream 503") : $json.ranIn }}',
                n: "{{ $trigger.n }}",
              },
            },
          },
        ],
        [
          ["t", "a"],
          ["a", "b"],
        ],
      ),
    );
    let failedId: string;
    {
      failedId = await runWorkflow(user, workflowId, { n: 9 });
      const failed = await waitFor(user, failedId);
      expect(failed.error).toMatchObject({ nodeId: "b", message: expect.stringContaining("upstream 503") });
    }
    const res = await user.fetch(`/api/executions/${failedId}/retry`, {
      method: "POST",
      json: { mode: "fromFailed" },
    });
    expect(res.status).toBe(201);
    const { executionId } = (await res.json()) as { executionId: string };
    const retried = await waitFor(user, executionId);
    expect(retried).toMatchObject({ status: "success", mode: "retry", retryOf: failedId, version: 1 });
    // `a` was not run again: its output still names the first execution.
    expect(stepOf(retried, "a")).toMatchObject({ status: "success", output: { ranIn: failedId } });
    expect(stepOf(retried, "b")).toMatchObject({
      status: "success",
      attempts: 1,
      output: { stamp: failedId, n: 9 },
    });
    const again = await user.fetch(`/api/executions/${executionId}/retry`, {
      method: "POST",
      json: { mode: "fromFailed" },
    });
    expect(again.status).toBe(409);
  });

  it("retries latest: the newest saved version with the original trigger data", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(user, doubler);
    const first = await runWorkflow(user, workflowId, { n: 4 });
    await waitFor(user, first);
    const v2 = doc(
      "Triple it",
      [
        { id: "t", type: "manualTrigger", name: "Start" },
        { id: "d", type: "set", name: "Triple", parameters: { fields: { tripled: "{{ $json.n * 3 }}" } } },
      ],
      [["t", "d"]],
    );
    const put = await user.fetch(`/api/workflows/${workflowId}`, {
      method: "PUT",
      json: { ...v2, version: 1 },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const res = await user.fetch(`/api/executions/${first}/retry`, {
      method: "POST",
      json: { mode: "latest" },
    });
    expect(res.status).toBe(201);
    const retried = await waitFor(user, ((await res.json()) as { executionId: string }).executionId);
    expect(retried).toMatchObject({ status: "success", version: 2, retryOf: first, triggerData: { n: 4 } });
    expect(stepOf(retried, "d")?.output).toEqual({ tripled: 12 });
    expect(
      (await user.fetch(`/api/executions/${first}/retry`, { method: "POST", json: { mode: "sideways" } }))
        .status,
    ).toBe(400);
  });

  it("answers 404 to another user on every executions route, and 401 without credentials", async () => {
    const owner = await signUp();
    const other = await signUp();
    const workflowId = await createWorkflow(owner, approval);
    const id = await runWorkflow(owner, workflowId, {});
    const ws = { headers: { Upgrade: "websocket" } };
    const attempts: [string, RequestInit & { json?: unknown }][] = [
      [`/api/workflows/${workflowId}/run`, { method: "POST", json: {} }],
      [`/api/executions/${id}`, {}],
      [`/api/executions/${id}/cancel`, { method: "POST" }],
      [`/api/executions/${id}/retry`, { method: "POST", json: { mode: "latest" } }],
      [`/api/executions/${id}/events/approved`, { method: "POST", json: {} }],
      [`/api/executions/${id}/live`, ws],
      [`/api/workflows/${workflowId}/live`, ws],
    ];
    for (const [path, init] of attempts) {
      const res = await other.fetch(path, init);
      expect([path, res.status]).toEqual([path, 404]);
    }
    const list = (await (await other.fetch("/api/executions")).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect((await call(`/api/executions/${id}`)).status).toBe(401);
    expect((await call("/api/executions")).status).toBe(401);
    // The owner's run is untouched by all of that.
    expect((await getExecution(owner, id)).status).not.toBe("canceled");
    await owner.fetch(`/api/executions/${id}/cancel`, { method: "POST" });
  });
});

describe("executions in the OpenAPI document", () => {
  it("documents every executions route, the live sockets included", async () => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const paths = Object.keys(((await res.json()) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/workflows/{id}/run",
        "/api/workflows/{id}/live",
        "/api/executions",
        "/api/executions/{id}",
        "/api/executions/{id}/cancel",
        "/api/executions/{id}/retry",
        "/api/executions/{id}/events/{event}",
        "/api/executions/{id}/live",
      ]),
    );
  });
});
