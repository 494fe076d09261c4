/**
 * An n8n workflow export → a Nodebase workflow document plus a per-node report. Nodes are converted by
 * type (map-core.ts, map-apps.ts, map-connectors.ts); `connections` (keyed by node NAME, `main: [[{ node, type, index }]]`
 * per output) become edges on our handles; positions `[x, y]` become `{ x, y }` (x spread for our wider
 * cards); pins, tags and the time zone come along. A node that cannot be converted becomes a `stopAndError` node of the same name
 * and position whose message says why, so the import saves but never silently does the wrong thing.
 */
import { z } from "zod";
import { responseNodeProblems, validateWorkflowDocument } from "../engine/validate-workflow";
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from "../engine/workflow-document";
import { appMappers, dataPathOf } from "./map-apps";
import { connectorMappers } from "./map-connectors";
import { coreMappers, passThrough } from "./map-core";
import { mainOnly, NodeNotConverted, type DataPath, type MapOutput, type N8nNode } from "./mapping";
import type { JsonataContext } from "./to-jsonata";
import { convertValue, ExpressionNotConverted } from "./values";

/**
 * n8n draws nodes 100 px wide and lays them ~220 px apart; our cards are 200 px wide, so n8n's spacing
 * would leave a 20 px gap and hide the edges. Columns are spread by this factor (rows keep their y: our
 * cards are shorter than n8n's).
 */
const N8N_X_SPREAD = 1.4;

export type ImportStatus = "converted" | "approximated" | "unsupported";
export interface ImportReportEntry {
  nodeName: string;
  status: ImportStatus;
  message: string;
}
export interface ImportWarning {
  code: string;
  message: string;
}

/** The file is not an n8n workflow export; the message says why (a 422). */
export class NotAnN8nExport extends Error {}

const N8nNodeSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().trim().min(1).max(200),
  type: z.string().min(1),
  typeVersion: z.number().optional(),
  position: z.tuple([z.number(), z.number()]).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  credentials: z.record(z.string(), z.unknown()).optional(),
  disabled: z.boolean().optional(),
  onError: z.string().optional(),
  continueOnFail: z.boolean().optional(),
  retryOnFail: z.boolean().optional(),
  maxTries: z.number().optional(),
  waitBetweenTries: z.number().optional(),
});
const TargetSchema = z.looseObject({
  node: z.string(),
  type: z.string().default("main"),
  index: z.number().default(0),
});
const N8nWorkflowSchema = z.looseObject({
  name: z.string().trim().max(200).optional(),
  nodes: z.array(N8nNodeSchema).max(500),
  connections: z.record(
    z.string(),
    z.record(z.string(), z.array(z.array(TargetSchema).nullable()).nullable()),
  ),
  pinData: z.record(z.string(), z.unknown()).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.union([z.string(), z.looseObject({ name: z.string() })])).optional(),
});
type N8nWorkflow = z.infer<typeof N8nWorkflowSchema>;

export interface ConvertOptions {
  workflowIdByName(name: string): string | undefined;
  hasType(type: string): boolean;
}

const STICKY = "n8n-nodes-base.stickyNote";

export function parseN8nExport(body: unknown): N8nWorkflow {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new NotAnN8nExport("not an n8n workflow export: the file is not a JSON object");
  const record = body as Record<string, unknown>;
  if (!("connections" in record) && "edges" in record)
    throw new NotAnN8nExport(
      "not an n8n workflow export: this is a Nodebase export (it has edges); import it without format=n8n",
    );
  for (const key of ["nodes", "connections"])
    if (!(key in record))
      throw new NotAnN8nExport(
        `not an n8n workflow export: "${key}" is missing (an n8n export has name, nodes and connections)`,
      );
  const parsed = N8nWorkflowSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NotAnN8nExport(
      `not an n8n workflow export: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const names = new Set<string>();
  for (const node of parsed.data.nodes) {
    if (names.has(node.name))
      throw new NotAnN8nExport(`not an n8n workflow export: two nodes are named "${node.name}"`);
    names.add(node.name);
  }
  return parsed.data;
}

export function convertN8nWorkflow(
  body: unknown,
  options: ConvertOptions,
): { document: WorkflowDocument; report: ImportReportEntry[]; warnings: ImportWarning[] } {
  const source = parseN8nExport(body);
  const warnings: ImportWarning[] = [];
  const report: ImportReportEntry[] = [];
  const n8nNodes = source.nodes.filter((n) => n.type !== STICKY) as N8nNode[];
  const stickies = source.nodes.length - n8nNodes.length;
  if (stickies > 0)
    warnings.push({ code: "n8n_sticky_notes", message: `${stickies} sticky note(s) were not imported` });

  const ids = assignIds(n8nNodes);
  const byName = new Map(n8nNodes.map((n) => [n.name, n]));
  const paths = new Map(n8nNodes.map((n) => [n.name, dataPathOf(n.type, n.parameters ?? {})]));
  const nodePaths = Object.fromEntries([...paths].filter(([, p]) => p.length > 0));
  const incoming = incomingSources(source);
  const timezone =
    typeof source.settings?.timezone === "string" && source.settings.timezone !== "DEFAULT"
      ? source.settings.timezone
      : undefined;

  const mapped = new Map<string, MapOutput>();
  const nodes: WorkflowNode[] = n8nNodes.map((n) => {
    const notes: string[] = [];
    const sources = incoming.get(n.name) ?? [];
    const inputPaths = [...new Set(sources.map((s) => JSON.stringify(paths.get(s) ?? [])))];
    if (inputPaths.length > 1)
      notes.push("its inputs come from nodes of different output shapes; $json is read as the first's");
    const ctx: JsonataContext = {
      inputPath: inputPaths.length > 0 ? (JSON.parse(inputPaths[0]) as DataPath) : [],
      nodePath: (name) => (byName.has(name) ? (paths.get(name) ?? []) : undefined),
      notes,
    };
    const base = {
      id: ids.get(n.name)!,
      name: n.name,
      position: { x: Math.round((n.position?.[0] ?? 0) * N8N_X_SPREAD), y: n.position?.[1] ?? 0 },
    };
    const credentialNotes: string[] = [];
    let out: MapOutput;
    try {
      out = mapNode(n, ctx, credentialNotes, options, nodePaths, timezone);
    } catch (error) {
      const reason =
        error instanceof NodeNotConverted
          ? error.message
          : error instanceof ExpressionNotConverted
            ? `the expression ${error.message}`
            : null;
      if (reason === null) throw error;
      report.push({ nodeName: n.name, status: "unsupported", message: reason });
      return { ...base, type: "stopAndError", parameters: { message: notConvertedMessage(n, reason) } };
    }
    mapped.set(n.name, out);
    const unique = [...new Set(notes)];
    // A credential to pick is said, but is no approximation: the node does what n8n's did once it has one.
    report.push({
      nodeName: n.name,
      status: unique.length > 0 ? "approximated" : "converted",
      message: [`became ${out.type}`, ...unique, ...credentialNotes].join("; "),
    });
    return { ...base, type: out.type, parameters: out.parameters, ...nodeSettings(n) };
  });

  const edges = buildEdges(source, ids, mapped, byName, report);
  const document: WorkflowDocument = {
    name: source.name?.trim() || "Imported from n8n",
    nodes,
    edges: dropLoopBackEdges(edges, nodes),
  };
  const tags = (source.tags ?? [])
    .map((t) => (typeof t === "string" ? t : t.name).trim().slice(0, 50))
    .filter(Boolean);
  if (tags.length > 0) document.tags = [...new Set(tags)].slice(0, 20);
  const pins = convertPins(source.pinData, ids);
  if (pins) document.pinData = pins;
  if (source.settings?.errorWorkflow)
    warnings.push({
      code: "n8n_setting_dropped",
      message: "settings.errorWorkflow names an n8n workflow: pick the error workflow in Settings",
    });
  answerWithoutResponder(document, report);
  repairForSave(document, report);
  return { document, report, warnings };
}

function mapNode(
  n: N8nNode,
  ctx: JsonataContext,
  credentialNotes: string[],
  options: ConvertOptions,
  nodePaths: Record<string, DataPath>,
  timezone: string | undefined,
): MapOutput {
  if (n.disabled) {
    ctx.notes.push("was disabled in n8n: imported as a pass-through (it hands its input on)");
    return passThrough();
  }
  const mapper = coreMappers[n.type] ?? appMappers[n.type] ?? connectorMappers[n.type];
  if (!mapper) throw new NodeNotConverted(`the n8n node type "${n.type}" has no Nodebase equivalent`);
  const out = mapper({
    node: n,
    params: n.parameters ?? {},
    version: n.typeVersion ?? 1,
    ctx,
    credentialNotes,
    value: (v) => convertValue(v, ctx),
    nodePaths,
    workflowIdByName: options.workflowIdByName,
    hasType: options.hasType,
    timezone,
  });
  if (!options.hasType(out.type))
    throw new NodeNotConverted(`it would become a ${out.type} node, which this server does not have`);
  return out;
}

function notConvertedMessage(n: N8nNode, reason: string): string {
  const text = `Not converted from n8n (${n.type} v${n.typeVersion ?? 1}): ${reason}. Replace this node before running the workflow.`;
  return text.length > 2000 ? `${text.slice(0, 1997)}...` : text;
}

/** n8n's retry and error settings on a node → ours. */
function nodeSettings(n: N8nNode): Partial<WorkflowNode> {
  const settings: Partial<WorkflowNode> = {};
  if (n.retryOnFail) {
    settings.retry = {
      maxAttempts: Math.min(10, Math.max(1, n.maxTries ?? 3)),
      backoff: "constant",
      delayMs: Math.min(3_600_000, Math.max(0, n.waitBetweenTries ?? 1000)),
    };
  }
  if (n.onError === "continueErrorOutput") settings.onError = "errorOutput";
  else if (n.onError === "continueRegularOutput" || n.continueOnFail) settings.onError = "continue";
  return settings;
}

function assignIds(nodes: N8nNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  nodes.forEach((n, i) => {
    let id = n.id && n.id.length <= 100 && !used.has(n.id) ? n.id : `n${i + 1}`;
    while (used.has(id)) id = `${id}_`;
    used.add(id);
    ids.set(n.name, id);
  });
  return ids;
}

function incomingSources(source: N8nWorkflow): Map<string, string[]> {
  const incoming = new Map<string, string[]>();
  for (const [from, byType] of Object.entries(source.connections)) {
    for (const outputs of Object.values(byType ?? {}))
      for (const targets of outputs ?? [])
        for (const t of targets ?? [])
          if (t.type === "main") incoming.set(t.node, [...(incoming.get(t.node) ?? []), from]);
  }
  return incoming;
}

function buildEdges(
  source: N8nWorkflow,
  ids: Map<string, string>,
  mapped: Map<string, MapOutput>,
  byName: Map<string, N8nNode>,
  report: ImportReportEntry[],
): WorkflowEdge[] {
  const edges: WorkflowEdge[] = [];
  const seen = new Set<string>();
  const noteOn = (name: string, note: string) => {
    const entry = report.find((r) => r.nodeName === name);
    if (!entry) return;
    if (entry.status === "converted") entry.status = "approximated";
    if (!entry.message.includes(note)) entry.message += `; ${note}`;
  };
  for (const [from, byType] of Object.entries(source.connections)) {
    const sourceId = ids.get(from);
    if (!sourceId) continue;
    for (const [type, outputs] of Object.entries(byType ?? {})) {
      if (type !== "main") {
        if ((outputs ?? []).some((t) => (t ?? []).length > 0))
          noteOn(from, `its "${type}" connections (AI sub-nodes) are not imported`);
        continue;
      }
      (outputs ?? []).forEach((targets, index) => {
        if (!targets || targets.length === 0) return;
        const out = mapped.get(from);
        let handles = out?.handles ? out.handles(index) : mainOnly(index);
        if (handles.length === 0 && byName.get(from)?.onError === "continueErrorOutput") handles = ["error"];
        if (handles.length === 0) {
          noteOn(from, `what left on its n8n output ${index} goes nowhere now`);
          return;
        }
        for (const target of targets) {
          const targetId = ids.get(target.node);
          if (!targetId || target.type !== "main") continue;
          for (const handle of handles) {
            const key = `${sourceId}\u0000${handle}\u0000${targetId}`;
            if (seen.has(key)) continue;
            seen.add(key);
            edges.push({
              id: `e${edges.length + 1}`,
              source: sourceId,
              target: targetId,
              sourceHandle: handle,
            });
          }
        }
      });
    }
  }
  return edges;
}

/** Loop Over Items closes its loop with an edge from the body back into it; forEach needs none. */
function dropLoopBackEdges(edges: WorkflowEdge[], nodes: WorkflowNode[]): WorkflowEdge[] {
  const loops = new Set(nodes.filter((n) => n.type === "forEach").map((n) => n.id));
  if (loops.size === 0) return edges;
  const body = (loopId: string) => {
    const reached = new Set<string>();
    const queue = edges.filter((e) => e.source === loopId && e.sourceHandle === "item").map((e) => e.target);
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (reached.has(id) || id === loopId) continue;
      reached.add(id);
      queue.push(...edges.filter((e) => e.source === id).map((e) => e.target));
    }
    return reached;
  };
  const bodies = new Map([...loops].map((id) => [id, body(id)]));
  return edges
    .filter((e) => !(loops.has(e.target) && bodies.get(e.target)!.has(e.source)))
    .map((e, i) => ({ ...e, id: `e${i + 1}` }));
}

/** n8n pins are item lists by node name: `[{ json }]`; ours are one value by node id. */
function convertPins(
  pinData: Record<string, unknown> | undefined,
  ids: Map<string, string>,
): Record<string, unknown> | undefined {
  if (!pinData) return undefined;
  const pins: Record<string, unknown> = {};
  for (const [name, items] of Object.entries(pinData)) {
    const id = ids.get(name);
    if (!id || !Array.isArray(items)) continue;
    const values = items.map((item) =>
      item !== null && typeof item === "object" && "json" in item ? (item as { json: unknown }).json : item,
    );
    pins[id] = values.length === 1 ? values[0] : values;
  }
  return Object.keys(pins).length > 0 ? pins : undefined;
}

/**
 * A webhook on "Using 'Respond to Webhook' node" with none after it (n8n fails such a run) answers as
 * `lastNode` instead: our save refuses `responseNode` without a respondToWebhook node on its way.
 */
function answerWithoutResponder(document: WorkflowDocument, report: ImportReportEntry[]): void {
  for (const problem of responseNodeProblems(document)) {
    const node = document.nodes.find((n) => n.id === problem.nodeId);
    if (!node) continue;
    node.parameters = { ...node.parameters, respond: "lastNode" };
    const entry = report.find((r) => r.nodeName === node.name);
    if (entry) {
      entry.status = "approximated";
      entry.message += "; no Respond to Webhook node follows it, so it answers with the last node's output";
    }
  }
}

/**
 * What still fails our save checks (a parameter our schema refuses, a loop body that leaves the loop)
 * is turned into stopAndError nodes or dropped edges, so that the rest saves.
 */
function repairForSave(document: WorkflowDocument, report: ImportReportEntry[]): void {
  for (let round = 0; round < 5; round++) {
    const result = validateWorkflowDocument(document);
    if (result.ok) return;
    let changed = false;
    for (const problem of result.problems) {
      const node = document.nodes.find((n) => n.id === problem.nodeId);
      if (node && node.type !== "stopAndError") {
        const entry = report.find((r) => r.nodeName === node.name);
        const reason = `Nodebase refuses it as converted: ${problem.message}`;
        if (entry) Object.assign(entry, { status: "unsupported", message: reason });
        Object.assign(node, {
          type: "stopAndError",
          parameters: { message: `Not converted from n8n: ${reason}`.slice(0, 2000) },
        });
        delete node.retry;
        delete node.onError;
        changed = true;
      } else if (problem.edgeId) {
        document.edges = document.edges.filter((e) => e.id !== problem.edgeId);
        changed = true;
      }
    }
    if (!changed) return;
  }
}
