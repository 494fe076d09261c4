/**
 * The executions API's response shapes (zod, so the OpenAPI document and the handlers share them) and the
 * mapping from stored rows to those shapes.
 */
import { z } from "@hono/zod-openapi";
import type { LoopProgress } from "../realtime/events";
import type { ExecutionRow, StepRow } from "../storage/executions";
import { EXECUTION_STATUSES } from "../storage/statuses";

const ExecutionError = z.object({ message: z.string(), nodeId: z.string().optional() }).nullable();

export const ExecutionSummary = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    version: z.number().int().openapi({ description: "The workflow version this run is pinned to" }),
    status: z.enum(EXECUTION_STATUSES),
    mode: z.string().openapi({
      description:
        "manual | webhook | webhookTest | schedule | stripe | googleForm | github | rss | retry | error | subworkflow",
    }),
    retryOf: z.string().nullable(),
    parentExecutionId: z.string().nullable().openapi({
      description: "Mode subworkflow: the execution whose executeWorkflow node started this one",
    }),
    triggerNodeId: z.string().nullable(),
    runUntil: z.string().nullable().openapi({
      description: "Run to here (`POST /api/workflows/{id}/run?until=`): the node the run stopped at",
    }),
    error: ExecutionError,
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi("ExecutionSummary");

const ExecutionStep = z
  .object({
    nodeId: z.string(),
    nodeName: z.string(),
    status: z.enum(["queued", "running", "waiting", "success", "error", "skipped", "canceled"]),
    attempts: z.number().int(),
    input: z.unknown(),
    output: z.unknown(),
    error: z.object({ message: z.string() }).nullable(),
    logs: z
      .array(z.object({ level: z.enum(["log", "info", "warn", "error"]), message: z.string() }))
      .nullable()
      .openapi({
        description: "console.* lines of a code node (at most 200 of 2,000 characters); null otherwise",
      }),
    pinned: z.boolean().openapi({
      description:
        "The output is the workflow's pinned data for this node: it did not run (manual and test-URL runs only)",
    }),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    items: z
      .object({ done: z.number().int(), failed: z.number().int(), total: z.number().int() })
      .optional()
      .openapi({
        description:
          "Loop body nodes only: elements this node finished and failed, of its loop's total. The per-element records are at GET /executions/{id}/items",
      }),
  })
  .openapi("ExecutionStep");

export const Execution = ExecutionSummary.extend({
  triggerData: z.unknown(),
  steps: z.array(ExecutionStep),
  stepsNextCursor: z.string().nullable().openapi({
    description: "More steps follow: pass this as `stepsCursor` (null: this page holds the last steps)",
  }),
  children: z
    .array(z.object({ id: z.string(), workflowId: z.string(), status: z.enum(EXECUTION_STATUSES) }))
    .openapi({ description: "Sub-workflow executions this one started (executeWorkflow), oldest first" }),
}).openapi("Execution");

export const ExecutionStarted = z.object({ executionId: z.string() }).openapi("ExecutionStarted");

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSummary(row: ExecutionRow) {
  return {
    id: row.id,
    workflowId: row.workflowId,
    version: row.version,
    status: row.status,
    mode: row.mode,
    retryOf: row.retryOf,
    parentExecutionId: row.parentExecutionId ?? null,
    triggerNodeId: row.triggerNodeId,
    runUntil: row.runUntil ?? null,
    error: row.error ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function toDetail(
  row: ExecutionRow,
  { steps, stepsNextCursor }: { steps: StepRow[]; stepsNextCursor: string | null },
  progress?: ReadonlyMap<string, LoopProgress>,
  children: ExecutionRow[] = [],
) {
  return {
    ...toSummary(row),
    triggerData: row.triggerData ?? null,
    children: children.map((c) => ({ id: c.id, workflowId: c.workflowId, status: c.status })),
    stepsNextCursor,
    steps: steps.map((s) => ({
      nodeId: s.nodeId,
      nodeName: s.nodeName,
      status: s.status,
      attempts: s.attempts,
      input: s.input ?? null,
      output: s.output ?? null,
      error: s.error ?? null,
      logs: s.logs ?? null,
      pinned: s.pinned ?? false,
      startedAt: iso(s.startedAt),
      finishedAt: iso(s.finishedAt),
      ...(progress?.has(s.nodeId) ? { items: progress.get(s.nodeId) } : {}),
    })),
  };
}
