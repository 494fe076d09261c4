import { describe, expect, it } from "vitest";
import flowNodes from "../../test/fixtures/n8n/flow-nodes.json";
import ifCodeSet from "../../test/fixtures/n8n/webhook-if-code-set.json";
import unsupported from "../../test/fixtures/n8n/unsupported-node.json";
import webhookSet from "../../test/fixtures/n8n/webhook-set.json";
import { validateWorkflowDocument } from "../engine/validate-workflow";
import { getNodeType } from "../nodes/registry";
import { convertN8nWorkflow, NotAnN8nExport, type ConvertOptions } from "./convert";

const options: ConvertOptions = {
  workflowIdByName: () => undefined,
  hasType: (t) => getNodeType(t) !== undefined,
};
const convert = (body: unknown, opts = options) => convertN8nWorkflow(body, opts);
const byName = (doc: ReturnType<typeof convert>["document"], name: string) =>
  doc.nodes.find((n) => n.name === name)!;

describe("n8n import: conversion", () => {
  it("converts Webhook → Set: types, parameters, expressions, positions and edges", () => {
    const { document, report } = convert(webhookSet);
    expect(validateWorkflowDocument(document).ok).toBe(true);
    expect(document.name).toBe("Double it (n8n)");
    expect(document.nodes).toEqual([
      expect.objectContaining({
        id: "6a1f5e0c-5d3b-4a51-9d0e-1f0c2b7e9a01",
        type: "webhookTrigger",
        // n8n's x spread for our 200 px cards (n8n's are 100 px wide, ~220 px apart); y kept.
        position: { x: 336, y: 300 },
        parameters: { method: "POST", respond: "lastNode" },
      }),
      expect.objectContaining({
        type: "set",
        parameters: {
          fields: { doubled: "{{ ($json.body.n * 2) }}", greeting: "Hello {{ $json.body.name }}" },
          keepInput: false,
          dotNotation: true,
        },
      }),
    ]);
    expect(document.edges).toEqual([
      { id: "e1", source: document.nodes[0].id, target: document.nodes[1].id, sourceHandle: "main" },
    ]);
    expect(report).toEqual([
      { nodeName: "Webhook", status: "approximated", message: expect.stringContaining("the URL changes") },
      { nodeName: "Edit Fields", status: "converted", message: "became set" },
    ]);
  });

  it("maps IF's two outputs, its conditions, the code node's helpers, $('Name') references, pins and tags", () => {
    const { document, report } = convert(ifCodeSet);
    expect(validateWorkflowDocument(document).ok).toBe(true);
    const ifNode = byName(document, "Is it big?");
    expect(ifNode.parameters.condition).toBe(
      '{{ (($json.body.amount) > 100) and ($v := ($l := ($json.body.customer); $not($exists($l)) or $l = null or $l = ""); $exists($v) ? $not($v) : true) }}',
    );
    const handles = document.edges.map((e) => [
      byName(document, "Is it big?").id === e.source,
      e.sourceHandle,
    ]);
    expect(handles).toEqual([
      [false, "main"],
      [true, "true"],
      [true, "false"],
    ]);
    expect(document.edges.find((e) => e.sourceHandle === "true")!.target).toBe(
      byName(document, "Tag big order").id,
    );
    const code = String(byName(document, "Tag big order").parameters.code);
    expect(code).toContain("for (const item of $input.all()) {");
    expect(code).toContain("const $ = (name) =>");
    expect(byName(document, "Small order").parameters.fields).toEqual({
      tier: "small",
      customer: '{{ $node("Webhook").body.customer }}',
      amount: '{{ $node("Webhook").body.amount }}',
    });
    expect(document.pinData).toEqual({
      [byName(document, "Webhook").id]: {
        headers: {},
        params: {},
        query: {},
        body: { amount: 250, customer: "ada" },
      },
    });
    expect(document.tags).toEqual(["orders"]);
    expect(report.map((r) => r.status)).toEqual(["approximated", "converted", "converted", "converted"]);
  });

  it("turns an unsupported node into a stopAndError of the same name and position, and drops sticky notes", () => {
    const { document, report, warnings } = convert(unsupported);
    expect(validateWorkflowDocument(document).ok).toBe(true);
    expect(document.nodes.map((n) => n.type)).toEqual(["manualTrigger", "stopAndError", "set"]);
    const hubspot = byName(document, "HubSpot");
    expect(hubspot.position).toEqual({ x: 308, y: 0 });
    expect(hubspot.parameters.message).toMatch(
      /^Not converted from n8n \(n8n-nodes-base\.hubspot v2\.1\): the n8n node type "n8n-nodes-base\.hubspot" has no Nodebase equivalent/,
    );
    expect(byName(document, "Done").parameters).toEqual({ fields: {}, keepInput: true });
    expect(document.edges).toHaveLength(2);
    expect(report[1]).toEqual({
      nodeName: "HubSpot",
      status: "unsupported",
      message: expect.any(String),
    });
    expect(warnings).toEqual([{ code: "n8n_sticky_notes", message: "1 sticky note(s) were not imported" }]);
  });

  it("converts schedule, HTTP, Switch outputs, Loop Over Items, Wait, Stop and Error and Merge", () => {
    const { document, report, warnings } = convert(flowNodes);
    const check = validateWorkflowDocument(document);
    expect(check.ok ? [] : check.problems).toEqual([]);
    expect(byName(document, "Every Monday and Thursday").parameters).toEqual({
      cron: "30 9 * * 1,4",
      timezone: "Europe/Berlin",
    });
    expect(byName(document, "Fetch report").parameters).toEqual({
      method: "POST",
      url: "https://api.example.com/reports/{{ $json.`Day of week` }}",
      query: { limit: "50" },
      headers: { "X-Team": "ops" },
      body: {
        week: '{{ ($v := $json.timestamp; $type($v) = "string" ? $length($v) : $count($v)) }}',
        title: "Report for {{ $json.Month }}",
      },
      bodyType: "json",
      timeoutMs: 10000,
    });
    // The switch reads the HTTP answer under body; its outputs keep n8n's order and names.
    expect(byName(document, "Route").parameters).toEqual({
      rules: [
        { when: '{{ (($json.body.status) = "ok") }}', output: "All_good" },
        { when: "{{ (($json.body.errors) > 0) }}", output: "output_1" },
      ],
      fallback: "fallback",
    });
    const edge = (from: string, to: string) =>
      document.edges.find(
        (e) => e.source === byName(document, from).id && e.target === byName(document, to).id,
      )?.sourceHandle;
    expect(edge("Route", "Loop Over Items")).toBe("All_good");
    expect(edge("Route", "Fail")).toBe("output_1");
    expect(edge("Route", "Other")).toBe("fallback");
    expect(edge("Loop Over Items", "Wait")).toBe("item");
    expect(edge("Loop Over Items", "Merge")).toBe("done");
    expect(edge("Wait", "Loop Over Items")).toBeUndefined();
    expect(byName(document, "Wait").parameters).toEqual({ seconds: 120 });
    expect(byName(document, "Fail").parameters).toEqual({
      message: "Report failed with {{ $json.errors }} errors",
    });
    const status = Object.fromEntries(report.map((r) => [r.nodeName, r.status]));
    expect(status).toMatchObject({
      "Fetch report": "approximated",
      Merge: "approximated",
      "Loop Over Items": "approximated",
      Wait: "converted",
    });
    expect(warnings.map((w) => w.code)).toEqual(["n8n_setting_dropped"]);
  });

  it("calls an already imported workflow by the name n8n cached, and reports one it cannot find", () => {
    const call = (cachedResultName: string) => ({
      name: "Parent",
      nodes: [
        {
          name: "Start",
          type: "n8n-nodes-base.manualTrigger",
          typeVersion: 1,
          position: [0, 0],
          parameters: {},
        },
        {
          name: "Call child",
          type: "n8n-nodes-base.executeWorkflow",
          typeVersion: 1.2,
          position: [200, 0],
          parameters: {
            workflowId: { __rl: true, value: "n8nId", mode: "list", cachedResultName },
            options: { waitForSubWorkflow: false },
          },
        },
      ],
      connections: { Start: { main: [[{ node: "Call child", type: "main", index: 0 }]] } },
    });
    const found = convert(call("Child"), {
      ...options,
      workflowIdByName: (n) => (n === "Child" ? "wf_child" : undefined),
    });
    expect(byName(found.document, "Call child")).toMatchObject({
      type: "executeWorkflow",
      parameters: { workflowId: "wf_child", wait: false },
    });
    const missing = convert(call("Elsewhere"), options);
    expect(byName(missing.document, "Call child").type).toBe("stopAndError");
    expect(missing.report[1].message).toContain("import that workflow first (same name)");
  });

  it("refuses what is not an n8n export, saying why", () => {
    const cases: [unknown, string][] = [
      [[1, 2], "the file is not a JSON object"],
      [{ name: "x", nodes: [], edges: [] }, "this is a Nodebase export"],
      [{ name: "x", nodes: [] }, '"connections" is missing'],
      [{ name: "x", nodes: [{ name: "A" }], connections: {} }, "nodes.0.type"],
      [
        {
          nodes: [
            { name: "A", type: "t" },
            { name: "A", type: "t" },
          ],
          connections: {},
        },
        'two nodes are named "A"',
      ],
    ];
    for (const [body, reason] of cases) {
      expect(() => convert(body), reason).toThrow(NotAnN8nExport);
      expect(() => convert(body), reason).toThrow(reason);
    }
  });
});

describe("n8n import: Respond to Webhook", () => {
  const workflow = (respondParams: Record<string, unknown> | null, responseMode = "responseNode") => ({
    name: "Respond",
    nodes: [
      {
        name: "Webhook",
        type: "n8n-nodes-base.webhook",
        typeVersion: 2,
        position: [0, 0],
        parameters: { httpMethod: "POST", path: "x", responseMode },
      },
      ...(respondParams
        ? [
            {
              name: "Respond",
              type: "n8n-nodes-base.respondToWebhook",
              typeVersion: 1.1,
              position: [200, 0],
              parameters: respondParams,
            },
          ]
        : [{ name: "Noop", type: "n8n-nodes-base.noOp", typeVersion: 1, position: [200, 0] }]),
    ],
    connections: {
      Webhook: { main: [[{ node: respondParams ? "Respond" : "Noop", type: "main", index: 0 }]] },
    },
  });
  const respondOf = (params: Record<string, unknown>) => {
    const { document, report } = convert(workflow(params));
    expect(validateWorkflowDocument(document).ok).toBe(true);
    expect(byName(document, "Webhook").parameters.respond).toBe("responseNode");
    return { node: byName(document, "Respond"), entry: report.find((r) => r.nodeName === "Respond")! };
  };

  it("converts each respondWith to the node's status, headers and body", () => {
    expect(respondOf({ respondWith: "firstIncomingItem" })).toMatchObject({
      node: { type: "respondToWebhook", parameters: { status: 200, headers: {} } },
      entry: { status: "converted" },
    });
    expect(respondOf({ respondWith: "firstIncomingItem" }).node.parameters).not.toHaveProperty("body");
    expect(
      respondOf({ respondWith: "firstIncomingItem", options: { responseKey: "data.item" } }).node.parameters
        .body,
    ).toEqual({ data: { item: "{{ $json }}" } });
    expect(respondOf({ respondWith: "allIncomingItems" }).entry.status).toBe("approximated");
    expect(
      respondOf({ respondWith: "json", responseBody: '{ "ok": true }', options: { responseCode: 202 } }).node
        .parameters,
    ).toEqual({ status: 202, headers: {}, body: { ok: true } });
    // n8n's JSON answer is a template whose holes are filled before it is parsed: ours is the parsed
    // value with each hole put back as an expression, so the answer is JSON, not text.
    expect(
      respondOf({
        respondWith: "json",
        responseBody:
          '={ "total": {{ $json.total }}, "for": "{{ $json.customer }}", "tags": [1, "{{ $json.tag }}"] }',
      }).node.parameters.body,
    ).toEqual({ total: "{{ $json.total }}", for: "{{ $json.customer }}", tags: [1, "{{ $json.tag }}"] });
    expect(
      respondOf({ respondWith: "json", responseBody: "={{ { total: $json.total } }}" }).node.parameters.body,
    ).toMatch(/^\{\{ .*total.* \}\}$/);
    const notJson = convert(workflow({ respondWith: "json", responseBody: "{ not json" }));
    expect(notJson.report.find((r) => r.nodeName === "Respond")).toMatchObject({
      status: "unsupported",
      message: expect.stringContaining("its response body is not valid JSON"),
    });
    expect(
      respondOf({ respondWith: "text", responseBody: "=Hi {{ $json.name }}" }).node.parameters.body,
    ).toBe("Hi {{ $json.name }}");
    expect(respondOf({ respondWith: "noData", options: { responseCode: 204 } }).node.parameters).toEqual({
      status: 204,
      headers: {},
      body: "",
    });
    expect(
      respondOf({ respondWith: "redirect", redirectURL: "https://example.com/thanks" }).node.parameters,
    ).toEqual({
      status: 307,
      headers: { location: "https://example.com/thanks" },
      body: "",
    });
    const headers = respondOf({
      respondWith: "noData",
      options: {
        responseHeaders: {
          entries: [
            { name: "X-A", value: "1" },
            { name: "Set-Cookie", value: "a=b" },
          ],
        },
      },
    });
    expect(headers.node.parameters.headers).toEqual({ "X-A": "1" });
    expect(headers.entry).toMatchObject({
      status: "approximated",
      message: expect.stringContaining("set-cookie"),
    });
  });

  it("binary and JWT answers do not convert: a stopAndError says why", () => {
    for (const respondWith of ["binary", "jwt"]) {
      const { document, report } = convert(workflow({ respondWith }));
      expect(byName(document, "Respond").type).toBe("stopAndError");
      expect(report.find((r) => r.nodeName === "Respond")!.status).toBe("unsupported");
    }
  });

  it("a responseNode webhook with no Respond to Webhook node after it answers as lastNode", () => {
    const { document, report } = convert(workflow(null));
    expect(validateWorkflowDocument(document).ok).toBe(true);
    expect(byName(document, "Webhook").parameters.respond).toBe("lastNode");
    expect(report[0]).toMatchObject({
      status: "approximated",
      message: expect.stringContaining("no Respond to Webhook node follows it"),
    });
  });
});
