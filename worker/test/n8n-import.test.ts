/**
 * `POST /api/workflows/import?format=n8n` end to end: n8n exports (fixtures written from n8n's own
 * parameter shapes) import as inactive workflows with a per-node report, and the imported workflows
 * answer their test URL as they did in n8n.
 */
import { describe, expect, it } from "vitest";
import ifCodeSet from "./fixtures/n8n/webhook-if-code-set.json";
import appConnectors from "./fixtures/n8n/app-connectors.json";
import unsupported from "./fixtures/n8n/unsupported-node.json";
import webhookSet from "./fixtures/n8n/webhook-set.json";
import webhookRespond from "./fixtures/n8n/webhook-respond.json";
import { runWorkflow, waitFor } from "./api-helpers-engine";
import { call, signUp, type TestUser } from "./helpers";

interface Imported {
  id: string;
  name: string;
  active: boolean;
  nodes: {
    id: string;
    name: string;
    type: string;
    webhookId?: string;
    parameters: Record<string, unknown>;
  }[];
  edges: unknown[];
  pinData?: Record<string, unknown>;
  warnings?: { code: string; message: string }[];
  importReport: { nodeName: string; status: string; message: string }[];
}

async function importN8n(user: TestUser, body: unknown): Promise<Imported> {
  const res = await user.fetch("/api/workflows/import?format=n8n", { method: "POST", json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Imported;
}

const hookOf = (wf: Imported) => wf.nodes.find((n) => n.type === "webhookTrigger")!.webhookId!;

async function callTestUrl(wf: Imported, body: unknown) {
  const res = await call(`/webhooks-test/${hookOf(wf)}`, { method: "POST", json: body });
  return { status: res.status, body: await res.json() };
}

describe("n8n import", () => {
  it("imports Webhook (responseNode) → Set → Respond to Webhook as the real node, and the test URL answers from it", async () => {
    const user = await signUp();
    const wf = await importN8n(user, webhookRespond);
    expect(wf.nodes.find((n) => n.name === "Webhook")!.parameters).toEqual({
      method: "POST",
      respond: "responseNode",
    });
    expect(wf.importReport.map((r) => [r.nodeName, r.status])).toEqual([
      ["Webhook", "approximated"],
      ["Make order", "converted"],
      ["Respond to Webhook", "approximated"],
      ["Respond again", "converted"],
    ]);
    // The Set-Cookie header is dropped (it would set a cookie on the app's own origin), and said so.
    expect(wf.importReport[2].message).toContain("header dropped");
    const res = await call(`/webhooks-test/${hookOf(wf)}`, { method: "POST", json: { n: 9 } });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-order")).toBe("ord_9");
    expect(res.headers.getSetCookie()).toEqual([]);
    // n8n's JSON answer is a template (holes filled, then parsed): it answers JSON, numbers as numbers.
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ created: "ord_9", count: 18 });
  });

  it("imports Webhook → Set inactive, with a report, and the test URL answers as n8n did", async () => {
    const user = await signUp();
    const wf = await importN8n(user, webhookSet);
    expect(wf).toMatchObject({ name: "Double it (n8n)", active: false });
    expect(wf.importReport.map((r) => [r.nodeName, r.status])).toEqual([
      ["Webhook", "approximated"],
      ["Edit Fields", "converted"],
    ]);
    expect(await callTestUrl(wf, { n: 21, name: "Ada" })).toEqual({
      status: 200,
      body: { doubled: 42, greeting: "Hello Ada" },
    });
  });

  it("runs Webhook → IF → Code / Set with $('Name') references down either branch", async () => {
    const user = await signUp();
    // Without the pinned trigger data: test-URL runs would use it instead of the request.
    const { pinData: _pins, ...unpinned } = ifCodeSet;
    const wf = await importN8n(user, unpinned);
    expect(wf.importReport.every((r) => r.status !== "unsupported")).toBe(true);
    expect(await callTestUrl(wf, { amount: 250, customer: "ada" })).toEqual({
      status: 200,
      body: { tier: "big", amount: 250, customer: "ADA" },
    });
    expect(await callTestUrl(wf, { amount: 40, customer: "bob" })).toEqual({
      status: 200,
      body: { tier: "small", customer: "bob", amount: 40 },
    });
    // An empty customer fails the IF's "is not empty" condition, as in n8n.
    expect((await callTestUrl(wf, { amount: 500, customer: "" })).body).toMatchObject({ tier: "small" });

    const pinned = await importN8n(user, ifCodeSet);
    const hook = pinned.nodes.find((n) => n.name === "Webhook")!;
    expect(pinned.pinData).toEqual({ [hook.id]: ifCodeSet.pinData.Webhook[0].json });
  });

  it("runs n8n Code in both modes, and an old Function node, with n8n's item helpers", async () => {
    const user = await signUp();
    const node = (name: string, type: string, x: number, parameters: Record<string, unknown>) => ({
      name,
      type,
      typeVersion: type.endsWith(".code") ? 2 : 1,
      position: [x, 0],
      parameters,
    });
    const wf = await importN8n(user, {
      name: "Code modes",
      nodes: [
        node("Manual", "n8n-nodes-base.manualTrigger", 0, {}),
        node("Each", "n8n-nodes-base.code", 200, {
          mode: "runOnceForEachItem",
          jsCode: "return { json: { n: $input.item.json.n * 3, name: $('Manual').first().json.name } };",
        }),
        node("Legacy", "n8n-nodes-base.function", 400, {
          functionCode:
            "return items.map((i) => ({ json: { ...i.json, seen: true, count: items.length } }));",
        }),
      ],
      connections: {
        Manual: { main: [[{ node: "Each", type: "main", index: 0 }]] },
        Each: { main: [[{ node: "Legacy", type: "main", index: 0 }]] },
      },
    });
    const execution = await waitFor(user, await runWorkflow(user, wf.id, { n: 2, name: "Ada" }));
    expect(execution.status).toBe("success");
    expect(execution.steps.find((s) => s.nodeName === "Each")?.output).toEqual({ n: 6, name: "Ada" });
    expect(execution.steps.find((s) => s.nodeName === "Legacy")?.output).toEqual({
      n: 6,
      name: "Ada",
      seen: true,
      count: 1,
    });
  });

  it("saves an unsupported node as a stopAndError of the same name that fails the run with its reason", async () => {
    const user = await signUp();
    const wf = await importN8n(user, unsupported);
    expect(wf.nodes.map((n) => [n.name, n.type])).toEqual([
      ["When clicking ‘Test workflow’", "manualTrigger"],
      ["HubSpot", "stopAndError"],
      ["Done", "set"],
    ]);
    expect(wf.importReport.find((r) => r.nodeName === "HubSpot")?.status).toBe("unsupported");
    expect(wf.warnings).toEqual([expect.objectContaining({ code: "n8n_sticky_notes" })]);
    const execution = await waitFor(user, await runWorkflow(user, wf.id));
    expect(execution.status).toBe("error");
    expect(execution.error?.message).toContain('"n8n-nodes-base.hubspot" has no Nodebase equivalent');
    expect(execution.steps.find((s) => s.nodeName === "Done")?.status).not.toBe("success");
  });

  it("imports Google Sheets → Slack (bot) → GitHub as our connector nodes, saved without credentials", async () => {
    const user = await signUp();
    const wf = await importN8n(user, appConnectors);
    const saved = (await (await user.fetch(`/api/workflows/${wf.id}`)).json()) as Imported;
    const node = (name: string) => saved.nodes.find((n) => n.name === name)!;
    expect(saved.nodes.map((n) => n.type)).toEqual([
      "manualTrigger",
      "googleSheets",
      "slackMessage",
      "github",
    ]);
    expect(node("Google Sheets").parameters).toMatchObject({
      operation: "append",
      documentId: "1AbCdEfGh",
      sheetName: "Sheet1",
      values: { Email: "{{ $json.email }}" },
    });
    expect(node("Slack").parameters).toEqual({
      channel: "C0123ABCD",
      text: "New lead: {{ $json.rows[0].Email }}",
    });
    // n8n's item of Google Sheets is our output's first appended row.
    expect(node("GitHub").parameters).toEqual({
      operation: "createIssue",
      owner: "acme",
      repo: "crm",
      title: 'Follow up {{ $node("Google Sheets").rows[0].Email }}',
      labels: ["lead"],
    });
    expect(saved.nodes.some((n) => "credentialId" in n)).toBe(false);
    expect(wf.importReport.map((r) => [r.nodeName, r.status])).toEqual([
      ["When clicking ‘Test workflow’", "converted"],
      ["Google Sheets", "approximated"],
      ["Slack", "converted"],
      ["GitHub", "converted"],
    ]);
    expect(wf.importReport[2].message).toContain("pick a slackApi (bot token) credential");
  });

  it("answers 422 saying why for a file that is not an n8n export, and saves nothing", async () => {
    const user = await signUp();
    for (const [body, reason] of [
      [{ name: "Mine", nodes: [], edges: [] }, "this is a Nodebase export"],
      [{ name: "x", nodes: [{ name: "A" }], connections: {} }, "nodes.0.type"],
      ["just text", "not a JSON object"],
    ] as const) {
      const res = await user.fetch("/api/workflows/import?format=n8n", { method: "POST", json: body });
      expect(res.status).toBe(422);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("invalid_n8n_workflow");
      expect(error.message).toContain(reason);
    }
    const list = (await (await user.fetch("/api/workflows")).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect(
      (await call("/api/workflows/import?format=n8n", { method: "POST", json: webhookSet })).status,
    ).toBe(401);
  });
});
