/**
 * Issue 13, hostile request bodies end to end: an unauthenticated webhook call with 1 MiB of one repeated
 * form field, and fields named like Object.prototype members, through intake, a real run and D1.
 */
import { describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BODY_BYTES } from "../src/triggers/request-body";
import { finished } from "./engine-fixtures";
import { call, signUp } from "./helpers";
import { createWorkflow, webhookIdOf } from "./trigger-scenarios";

const webhook = (respond: "immediately" | "lastNode") => ({
  id: "hook",
  type: "webhookTrigger",
  name: "Webhook",
  parameters: { method: "POST", respond },
});
const form = (body: string) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body,
});

const countNode = {
  id: "count",
  type: "set",
  name: "Count",
  parameters: { fields: { count: "{{ $count($json.body.a) }}" } },
};

describe("hostile form bodies on a webhook", () => {
  it("1 MiB of a=&a=&… is parsed whole (then too large to hand on: the trigger fails clearly) and the server still answers", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, [webhook("immediately"), countNode]);
    const repeats = Math.floor(MAX_WEBHOOK_BODY_BYTES / 3);
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}`, form("a=&".repeat(repeats)));
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    expect((await user.fetch("/api/workflows")).status).toBe(200);
    const { execution, steps } = await finished(executionId);
    // `["","",…]` of every value is over the 900 KiB a node may hand on: the trigger fails, saying so.
    expect(steps.hook).toMatchObject({ status: "error", attempts: 1 });
    expect(execution.error?.message).toMatch(/its output is .* when stored, over the 900 KiB limit/);
  });

  it("240 KB of a=&a=&… (20 s before the fix) gives every value to the next node", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, [webhook("lastNode"), countNode]);
    const repeats = 80_000;
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}`, form("a=&".repeat(repeats)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: repeats });
  });

  it("fields and query names constructor, toString and __proto__ reach the run as ordinary fields", async () => {
    const user = await signUp();
    const wf = await createWorkflow(user, [
      {
        id: "hook",
        type: "webhookTrigger",
        name: "Webhook",
        parameters: { method: "POST", respond: "immediately" },
      },
    ]);
    const res = await call(`/webhooks/${webhookIdOf(wf, "hook")}?__proto__=q&constructor=k`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "constructor=c&toString=t&__proto__=p",
    });
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const { steps } = await finished(executionId);
    const output = steps.hook.output as { body: object; query: object };
    expect(Object.entries(output.body)).toEqual([
      ["constructor", "c"],
      ["toString", "t"],
      ["__proto__", "p"],
    ]);
    expect(Object.entries(output.query)).toEqual([
      ["__proto__", "q"],
      ["constructor", "k"],
    ]);
  });
});
