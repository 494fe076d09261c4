/**
 * The workflow document: what `POST /api/workflows` and `PUT /api/workflows/:id` take, what `GET` returns
 * (plus id, active, version, timestamps), what export writes and import reads, and what every
 * `workflow_version` snapshot holds (the engine runs snapshots). One schema, used by all of them.
 *
 * This is only the SHAPE. Whether the graph makes sense (ids, edges, cycles, node types, parameters) is
 * decided by `validateWorkflowDocument` in validate-workflow.ts.
 */
// Plain zod: the engine does not import Hono. http/workflows.ts names these schemas for OpenAPI.
import { z } from "zod";

/** Limits that keep one document within a D1 row (2 MB) and the editor usable. */
export const MAX_NODES = 500;
export const MAX_EDGES = 2000;

/**
 * What happens when a node fails for good: `stop` the run (default), `continue` (the node outputs
 * `{ error }` on every handle), or `errorOutput` (`{ error, input }` goes out on an extra `error` handle
 * and `main` counts as not taken).
 */
export const ON_ERROR = ["stop", "continue", "errorOutput"] as const;
export type OnError = (typeof ON_ERROR)[number];
/** The extra output handle of a node with `onError: "errorOutput"`. */
export const ERROR_HANDLE = "error";

export const NodeRetrySchema = z.object({
  maxAttempts: z.number().int().min(1).max(10),
  backoff: z.enum(["exponential", "constant"]),
  delayMs: z.number().int().min(0).max(3_600_000),
});

export const WorkflowNodeSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .meta({ examples: ["n1"] }),
  type: z
    .string()
    .min(1)
    .max(100)
    .meta({ examples: ["webhookTrigger"] }),
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .meta({ title: "Node name", examples: ["Webhook"] }),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  parameters: z.record(z.string(), z.unknown()).default({}),
  credentialId: z.string().min(1).nullish(),
  /** Assigned by the server; a value sent by a client is ignored (see assignWebhookIds). */
  webhookId: z.string().nullish().describe("Server-assigned for URL triggers; read-only"),
  retry: NodeRetrySchema.nullish(),
  onError: z.enum(ON_ERROR).nullish(),
});

export const WorkflowEdgeSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .meta({ examples: ["e1"] }),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().min(1).default("main"),
  targetHandle: z.string().nullish(),
});

/** `tags`: at most 20 labels of 1-50 characters; repeats are dropped (a tag is a set member). */
export const MAX_TAGS = 20;
export const TagsSchema = z
  .array(z.string().trim().min(1).max(50))
  .max(MAX_TAGS)
  .transform((tags) => [...new Set(tags)])
  .meta({ examples: [["billing", "slack"]] });

/**
 * `pinData`: `{ nodeId: output }`. In manual and test-URL runs a pinned node does not run and its pinned
 * value is its output. Pins naming no node of the document are dropped at save (with a warning).
 */
export const PinDataSchema = z.record(z.string().min(1), z.unknown());
/** Largest `settings.maxConcurrency`: runs of one workflow allowed at once. */
export const MAX_CONCURRENCY = 100;

/**
 * Workflow-wide settings. `errorWorkflowId` and `maxConcurrency` are checked further at save (same owner,
 * an `errorTrigger` in it, not the workflow itself). Unknown keys are dropped.
 */
export const WorkflowSettingsSchema = z.object({
  errorWorkflowId: z
    .string()
    .min(1)
    .max(100)
    .nullish()
    .describe("A workflow of yours with an errorTrigger: started once for every failed execution"),
  maxConcurrency: z
    .number()
    .int()
    .min(1)
    .max(MAX_CONCURRENCY)
    .nullish()
    .describe("At most this many executions of the workflow run at once; the others wait queued"),
  /** `"fast"`: runs in-process, no Workflow instance per run (engine/fast-run.ts); refused for pauses. */
  executionMode: z
    .enum(["durable", "fast"])
    .optional()
    .describe(
      '"durable" (default): every run a Cloudflare Workflows instance, exactly-once per step. "fast": the run executes inside the request, at-least-once after a crash; refused for workflows with wait, waitForEvent, forEach or a waiting executeWorkflow',
    ),
  /** `"none"`: successful runs are deleted a minute after they finish; failed runs are always kept. */
  saveSuccessfulRuns: z
    .enum(["all", "none"])
    .optional()
    .describe('"none": successful runs are deleted a minute after they finish (failed ones are kept)'),
});
export type WorkflowSettings = z.infer<typeof WorkflowSettingsSchema>;

export const WorkflowDocumentSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .meta({ title: "Workflow name", examples: ["Double it"] }),
  nodes: z.array(WorkflowNodeSchema).max(MAX_NODES).default([]),
  edges: z.array(WorkflowEdgeSchema).max(MAX_EDGES).default([]),
  tags: TagsSchema.optional(),
  pinData: PinDataSchema.optional(),
  /** Omitted on `PUT`: the saved settings stay as they are. */
  settings: WorkflowSettingsSchema.optional(),
});

export type WorkflowNode = z.infer<typeof WorkflowNodeSchema>;
export type WorkflowEdge = z.infer<typeof WorkflowEdgeSchema>;
export type WorkflowDocument = z.infer<typeof WorkflowDocumentSchema>;

/** One thing wrong with a document, named precisely enough for the editor to highlight it. */
export interface DocumentProblem {
  code: string;
  message: string;
  nodeId?: string;
  nodeName?: string;
  edgeId?: string;
  /** Dotted path inside the node or edge, e.g. `parameters.method`. */
  field?: string;
}
