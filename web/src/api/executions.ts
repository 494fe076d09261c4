/** Executions: the run history, one execution's steps, cancel and retry, and starting a manual run. */
import { api } from "./client";
import type { Page } from "./types";
// The status unions come from the Worker (type-only import: erased from the bundle).
import type {
  ExecutionStatus,
  FinishedExecutionStatus,
  LoopProgress,
  NodeSizes,
  StepStatus,
} from "../../../worker/src/realtime/events";

export type { ExecutionStatus, LoopProgress, NodeSizes, StepStatus };

export const EXECUTION_STATUSES: ExecutionStatus[] = [
  "queued",
  "running",
  "waiting",
  "success",
  "error",
  "canceled",
];
/**
 * The SPA's one copy of the Worker's final statuses (worker/src/storage/statuses.ts). A Record keyed by
 * the Worker's type, so adding a final status there fails to compile here until it is listed.
 */
const FINISHED: Record<FinishedExecutionStatus, true> = { success: true, error: true, canceled: true };
export const TERMINAL_STATUSES: readonly string[] = Object.keys(FINISHED);

/** True for a status an execution never leaves. */
export const isTerminalStatus = (status: string | undefined): boolean =>
  status !== undefined && TERMINAL_STATUSES.includes(status);

export interface ExecutionSummary {
  id: string;
  workflowId: string;
  workflowName?: string;
  status: ExecutionStatus;
  mode?: string;
  version?: number;
  retryOf?: string | null;
  /** Mode `subworkflow`: the execution whose executeWorkflow node started this one. */
  parentExecutionId?: string | null;
  /** "Run to here": the node the run stopped at. */
  runUntil?: string | null;
  error?: { message: string; nodeId?: string } | null;
  createdAt?: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ExecutionStep {
  nodeId: string;
  nodeName: string;
  status: StepStatus;
  attempts: number;
  input: unknown;
  output: unknown;
  error: { message: string } | null;
  /** `console.*` lines of a code node; null for other nodes. */
  logs?: ConsoleLine[] | null;
  /** The output is the node's pinned data: it did not run (manual and test runs). */
  pinned?: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  /** Loop body nodes: elements finished and failed, of the loop's total. */
  items?: LoopProgress;
}

/** One body node's record for one loop element (`GET /api/executions/:id/items`). */
export interface ItemStep extends Omit<ExecutionStep, "items"> {
  itemIndex: number;
  parentPath: string;
}

export interface ItemFilter {
  nodeId: string;
  itemIndex?: number;
  status?: "error";
  limit?: number;
}

export interface ConsoleLine {
  level: "log" | "info" | "warn" | "error";
  message: string;
}

export interface ExecutionDetail extends ExecutionSummary {
  steps: ExecutionStep[];
  /** More steps follow (pass it back as `stepsCursor`); null on the last page. */
  stepsNextCursor?: string | null;
  /** Sub-workflow executions this one started. */
  children?: { id: string; workflowId: string; status: ExecutionStatus }[];
  triggerData?: unknown;
  /** The trigger node the run started at. */
  triggerNodeId?: string | null;
}

export interface ExecutionFilter {
  workflowId?: string;
  status?: string;
  cursor?: string;
  limit?: number;
}

const path = (id: string) => `/api/executions/${encodeURIComponent(id)}`;

export const executionsApi = {
  list: (filter: ExecutionFilter, signal?: AbortSignal) =>
    api.get<Page<ExecutionSummary>>("/api/executions", { query: { limit: 50, ...filter }, signal }),
  /** The execution with all its steps: the API pages them (about 4 MiB per answer), so this follows the pages. */
  get: async (id: string, signal?: AbortSignal): Promise<ExecutionDetail> => {
    const first = await api.get<ExecutionDetail>(path(id), { signal });
    const steps = [...first.steps];
    for (let cursor = first.stepsNextCursor; cursor;) {
      const page = await api.get<ExecutionDetail>(path(id), { query: { stepsCursor: cursor }, signal });
      steps.push(...page.steps);
      cursor = page.stepsNextCursor;
    }
    return { ...first, steps, stepsNextCursor: null };
  },
  items: (id: string, filter: ItemFilter, signal?: AbortSignal) =>
    api.get<Page<ItemStep>>(`${path(id)}/items`, { query: { ...filter }, signal }),
  cancel: (id: string) => api.post<unknown>(`${path(id)}/cancel`, {}),
  retry: (id: string, mode: "fromFailed" | "latest") =>
    api.post<{ executionId: string }>(`${path(id)}/retry`, { mode }),
  /** A manual run; with `triggerNodeId`, a test run of that trigger with `input` as its output. */
  /** `until`: run only the trigger and the nodes on the way to that node ("Run to here"). */
  run: (workflowId: string, input: unknown, triggerNodeId?: string, until?: string) =>
    api.post<{ executionId: string }>(`/api/workflows/${encodeURIComponent(workflowId)}/run`, input ?? {}, {
      query: { trigger: triggerNodeId, until },
    }),
};

/** "1.2 s", "340 ms", "3 min 4 s": how long an execution or step took, or "" when it has not finished. */
export function formatDuration(startedAt: string | null, finishedAt: string | null): string {
  if (!startedAt || !finishedAt) return "";
  const ms = new Date(finishedAt).getTime() - new Date(startedAt).getTime();
  if (!Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
