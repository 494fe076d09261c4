/**
 * Converters for n8n's trigger and flow nodes. Each reads the n8n parameter shapes of the versions in
 * use (defaults that n8n leaves out of exports are applied here) and says, through `ctx.notes`, where
 * the meaning differs from n8n's.
 */
import { filterCondition, oldCondition, oldRuleCondition } from "./conditions";
import { scheduleCron } from "./schedule";
import {
  list,
  mainOnly,
  NodeNotConverted,
  obj,
  str,
  type MapInput,
  type MapOutput,
  type NodeMapper,
} from "./mapping";
import { locatorName, locatorValue, operand } from "./values";
import { headerProblem } from "../nodes/respond-to-webhook";
import { jsonWithHoles } from "./json-template";

const passThrough = (): MapOutput => ({ type: "set", parameters: { fields: {}, keepInput: true } });

const WEBHOOK_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);

function webhook({ params, ctx, hasType }: MapInput): MapOutput {
  const method = str(params.httpMethod, "GET").toUpperCase();
  if (!WEBHOOK_METHODS.has(method))
    throw new NodeNotConverted(`the HTTP method ${method} is not supported by Nodebase webhooks`);
  if (Array.isArray(params.httpMethod) || params.multipleMethods)
    ctx.notes.push("only the first HTTP method is kept");
  const mode = str(params.responseMode, "onReceived");
  let respond = mode === "lastNode" ? "lastNode" : "immediately";
  if (mode === "responseNode") {
    if (hasType("respondToWebhook")) respond = "responseNode";
    else {
      respond = "lastNode";
      ctx.notes.push("'Respond to Webhook' answers become the last node's output (respond: lastNode)");
    }
  }
  if (mode === "onReceived" && obj(params.options).responseData)
    ctx.notes.push("the custom immediate answer is not kept: Nodebase answers 202 { executionId }");
  ctx.notes.push(
    `the URL changes: Nodebase gives the node its own /webhooks/<id> URL (n8n path "${str(params.path)}")`,
  );
  const auth = str(params.authentication, "none");
  if (auth !== "none")
    ctx.notes.push(`${auth} is not carried over: pick a webhookAuth credential and set authentication`);
  return { type: "webhookTrigger", parameters: { method, respond } };
}

function scheduleTrigger(input: MapInput): MapOutput {
  const { cron, notes } = scheduleCron(input.node.type, input.params);
  input.ctx.notes.push(...notes);
  if (!input.timezone)
    input.ctx.notes.push("n8n ran it in the instance's time zone; Nodebase reads the cron in UTC");
  return { type: "scheduleTrigger", parameters: { cron, timezone: input.timezone ?? "UTC" } };
}

/** Set: v3.3+ `assignments`, v3.0-3.2 `fields.values`, v1/v2 typed `values`; raw mode `jsonOutput`. */
function set({ params, version, value, ctx }: MapInput): MapOutput {
  const fields: Record<string, unknown> = {};
  let keepInput: boolean;
  if (version >= 3) {
    if (str(params.mode, "manual") === "raw") return rawSet(params, value, version);
    for (const a of list(obj(params.assignments).assignments)) fields[str(a.name)] = value(a.value);
    for (const f of list(obj(params.fields).values)) {
      const type = str(f.type, "stringValue");
      fields[str(f.name)] = value(f[type] ?? f.stringValue);
    }
    keepInput = version >= 3.3 ? params.includeOtherFields === true : str(params.include, "all") !== "none";
    const include = str(params.include, "all");
    if (keepInput && (include === "selected" || include === "except"))
      ctx.notes.push(`"${include}" fields of the input are not filtered: all input fields are kept`);
  } else {
    for (const entries of Object.values(obj(params.values)))
      for (const f of list(entries)) fields[str(f.name)] = value(f.value);
    keepInput = params.keepOnlySet !== true;
  }
  const dotNotation = obj(params.options).dotNotation !== false;
  return { type: "set", parameters: { fields, keepInput, dotNotation } };
}

function rawSet(params: Record<string, unknown>, value: (v: unknown) => unknown, version: number): MapOutput {
  const raw = params.jsonOutput;
  let parsed: unknown = raw;
  if (typeof raw === "string" && !raw.startsWith("=")) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new NodeNotConverted("its JSON output is not valid JSON");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new NodeNotConverted("JSON output built from expressions cannot be converted; use fields instead");
  return {
    type: "set",
    parameters: {
      fields: value(parsed) as Record<string, unknown>,
      keepInput: version >= 3.3 ? params.includeOtherFields === true : false,
      dotNotation: false,
    },
  };
}

function ifNode({ params, version, ctx }: MapInput): MapOutput {
  const condition =
    version >= 2
      ? filterCondition(params.conditions, ctx, obj(params.options).ignoreCase === true)
      : oldCondition(params.conditions, params.combineOperation, ctx);
  return {
    type: "if",
    parameters: { condition },
    handles: (i) => (i === 0 ? ["true"] : i === 1 ? ["false"] : []),
  };
}

/** Filter keeps the items that match: an IF whose `false` output leads nowhere. */
function filter({ params, version, ctx }: MapInput): MapOutput {
  const condition =
    version >= 2
      ? filterCondition(params.conditions, ctx)
      : oldCondition(params.conditions, params.combineConditions === true ? "any" : "all", ctx);
  ctx.notes.push("became an If node: what does not match leaves on its false output, which leads nowhere");
  return { type: "if", parameters: { condition }, handles: (i) => (i === 0 ? ["true"] : []) };
}

const HANDLE = /[^A-Za-z0-9_-]+/g;

/** Switch: rules (v3 filter form, v1/v2 typed) or an expression giving the output index. */
function switchNode({ params, version, ctx }: MapInput): MapOutput {
  const rules: { when: string; output: string }[] = [];
  const byIndex = new Map<number, string[]>();
  const used = new Set<string>(["fallback"]);
  const addRule = (index: number, when: string, label: string) => {
    let output = label.replace(HANDLE, "_").slice(0, 90) || `output_${index}`;
    while (used.has(output)) output = `${output}_${index}`;
    used.add(output);
    rules.push({ when, output });
    byIndex.set(index, [...(byIndex.get(index) ?? []), output]);
  };
  const options = obj(params.options);
  const mode = str(params.mode, "rules");
  if (mode === "expression") {
    const count = Number(params.numberOutputs ?? params.outputsAmount ?? 4);
    for (let i = 0; i < count; i++) addRule(i, `{{ ${operand(params.output, ctx)} = ${i} }}`, `output_${i}`);
  } else if (version >= 3) {
    list(obj(params.rules).values).forEach((rule, i) =>
      addRule(
        i,
        filterCondition(rule.conditions, ctx, options.ignoreCase === true),
        rule.renameOutput ? str(rule.outputKey) : `output_${i}`,
      ),
    );
  } else {
    const dataType = str(params.dataType, "number");
    list(obj(params.rules).rules).forEach((rule, i) => {
      const index = Number(rule.output ?? 0);
      addRule(index, oldRuleCondition(dataType, params.value1, rule, ctx), `output_${index}_rule_${i}`);
    });
  }
  if (options.allMatchingOutputs === true)
    ctx.notes.push("'send data to all matching outputs' is not kept: the first matching rule wins");
  const fallback = options.fallbackOutput ?? params.fallbackOutput;
  const fallbackIndex =
    fallback === "extra" ? rules.length : typeof fallback === "number" && fallback >= 0 ? fallback : -1;
  if (fallback === "extra" && mode !== "expression") byIndex.set(rules.length, ["fallback"]);
  else if (fallbackIndex >= 0)
    byIndex.set(fallbackIndex, [...(byIndex.get(fallbackIndex) ?? []), "fallback"]);
  return {
    type: "switch",
    parameters: { rules, fallback: "fallback" },
    handles: (i) => byIndex.get(i) ?? [],
  };
}

function merge({ params, ctx }: MapInput): MapOutput {
  const mode = str(params.mode, "append");
  ctx.notes.push(
    `n8n's "${mode}" mode is not kept: Nodebase's Merge waits for every incoming branch and outputs { [node name]: output }; expressions after it read $json["Node name"]`,
  );
  return { type: "merge", parameters: {} };
}

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

function wait({ params, version, ctx }: MapInput): MapOutput {
  const resume = str(params.resume, "timeInterval");
  if (resume === "timeInterval") {
    const amount = Number(params.amount ?? (version >= 1.1 ? 5 : 1));
    const unit = str(params.unit, version >= 1.1 ? "seconds" : "hours");
    if (!Number.isFinite(amount) || !UNIT_SECONDS[unit])
      throw new NodeNotConverted("its wait amount is an expression or an unknown unit");
    return { type: "wait", parameters: { seconds: amount * UNIT_SECONDS[unit] } };
  }
  if (resume === "specificTime") {
    const until = str(params.dateTime);
    if (Number.isNaN(Date.parse(until)))
      throw new NodeNotConverted("its date is an expression or not an ISO time");
    return { type: "wait", parameters: { until: new Date(until).toISOString() } };
  }
  if (resume === "webhook") {
    ctx.notes.push(
      "waits for the event 'resume' instead of n8n's resume URL: POST /api/executions/<id>/events/resume",
    );
    return { type: "waitForEvent", parameters: { event: "resume", timeoutSeconds: 7 * 86400 } };
  }
  throw new NodeNotConverted(`resuming on "${resume}" has no Nodebase equivalent`);
}

function stopAndError({ params, value }: MapInput): MapOutput {
  const message =
    str(params.errorType, "errorMessage") === "errorObject"
      ? `{{ $string(${operand(params.errorObject, { inputPath: [], nodePath: () => [], notes: [] })}) }}`
      : value(params.errorMessage);
  return { type: "stopAndError", parameters: { message: str(message) || "Stopped" } };
}

function executeWorkflow({ params, ctx, workflowIdByName }: MapInput): MapOutput {
  const source = str(params.source, "database");
  if (source !== "database")
    throw new NodeNotConverted(`calling a workflow from "${source}" has no Nodebase equivalent`);
  const name = locatorName(params.workflowId);
  const target = name ? workflowIdByName(name) : undefined;
  if (!target)
    throw new NodeNotConverted(
      `it calls the n8n workflow ${name ? `"${name}"` : str(locatorValue(params.workflowId))}: import that workflow first (same name), then import this one again, or pick the workflow here`,
    );
  const options = obj(params.options);
  const waitForIt = options.waitForSubWorkflow !== false;
  if (str(params.mode, "once") === "each") ctx.notes.push("runs once for its input, not once per item");
  return { type: "executeWorkflow", parameters: { workflowId: target, wait: waitForIt } };
}

/**
 * Respond to Webhook: respondWith json / text / noData / firstIncomingItem / allIncomingItems / redirect,
 * options.responseCode, options.responseHeaders, options.responseKey. Binary and JWT answers do not convert.
 */
function respondToWebhook(input: MapInput): MapOutput {
  const { params, value, ctx, hasType } = input;
  const respondWith = str(params.respondWith, "firstIncomingItem");
  const options = obj(params.options);
  let status = options.responseCode === undefined ? 200 : Number(options.responseCode);
  const headers: Record<string, unknown> = {};
  for (const h of list(obj(options.responseHeaders).entries)) {
    const name = str(h.name).trim();
    const headerValue = value(h.value);
    const problem = name ? headerProblem(name, headerValue) : "a header without a name";
    if (problem) ctx.notes.push(`header dropped: ${problem}`);
    else headers[name] = headerValue;
  }
  let body: unknown;
  if (respondWith === "json") {
    body = jsonWithHoles(params.responseBody, input, "response body");
  } else if (respondWith === "text") body = value(str(params.responseBody));
  else if (respondWith === "firstIncomingItem" || respondWith === "allIncomingItems") {
    // Our nodes pass one value on (n8n: a list of items); with no body the node answers with its input.
    if (respondWith === "allIncomingItems")
      ctx.notes.push("answers with its input, one value (n8n: the list of all incoming items)");
    const key = str(options.responseKey);
    if (key) body = key.split(".").reduceRight<unknown>((inner, part) => ({ [part]: inner }), "{{ $json }}");
  } else if (respondWith === "noData") body = "";
  else if (respondWith === "redirect") {
    headers.location = value(params.redirectURL);
    if (options.responseCode === undefined) status = 307;
    body = "";
  } else throw new NodeNotConverted(`answering with "${respondWith}" has no Nodebase equivalent`);
  if (!Number.isInteger(status) || status < 200 || status > 599)
    throw new NodeNotConverted(`the response code ${String(options.responseCode)} is not one of 200–599`);
  if (!hasType("respondToWebhook")) {
    ctx.notes.push(
      "became a Set node whose output is the answer (the webhook answers with the last node's output); status and headers are not kept",
    );
    return { type: "set", parameters: { fields: { response: body ?? "{{ $json }}" }, keepInput: false } };
  }
  return {
    type: "respondToWebhook",
    parameters: { status, headers, ...(body !== undefined && { body }) },
  };
}

/** Loop Over Items (v3): output 0 "done", output 1 "loop"; the edge back into it closes the loop. */
function splitInBatches({ params, version, ctx }: MapInput): MapOutput {
  if (version < 3)
    throw new NodeNotConverted(
      "Split in Batches v1/v2 loops are built with an IF back to it; rebuild it as a forEach",
    );
  const batchSize = Number(params.batchSize ?? 1);
  if (batchSize !== 1) ctx.notes.push(`runs the loop body once per item, not per batch of ${batchSize}`);
  ctx.notes.push("became forEach over the input list; 'done' outputs { results, count, failed }");
  return {
    type: "forEach",
    parameters: { items: "{{ $json }}", concurrency: 1, onItemError: "stop" },
    handles: (i) => (i === 0 ? ["done"] : i === 1 ? ["item"] : []),
  };
}

export const coreMappers: Record<string, NodeMapper> = {
  "n8n-nodes-base.manualTrigger": () => ({ type: "manualTrigger", parameters: {} }),
  "n8n-nodes-base.start": () => ({ type: "manualTrigger", parameters: {} }),
  "n8n-nodes-base.webhook": webhook,
  "n8n-nodes-base.scheduleTrigger": scheduleTrigger,
  "n8n-nodes-base.cron": scheduleTrigger,
  "n8n-nodes-base.set": set,
  "n8n-nodes-base.if": ifNode,
  "n8n-nodes-base.filter": filter,
  "n8n-nodes-base.switch": switchNode,
  "n8n-nodes-base.merge": merge,
  "n8n-nodes-base.wait": wait,
  "n8n-nodes-base.noOp": passThrough,
  "n8n-nodes-base.stopAndError": stopAndError,
  "n8n-nodes-base.errorTrigger": () => ({ type: "errorTrigger", parameters: {} }),
  "n8n-nodes-base.executeWorkflowTrigger": () => ({ type: "workflowTrigger", parameters: {} }),
  "n8n-nodes-base.executeWorkflow": executeWorkflow,
  "n8n-nodes-base.respondToWebhook": respondToWebhook,
  "n8n-nodes-base.splitInBatches": splitInBatches,
};

export { mainOnly, passThrough };
