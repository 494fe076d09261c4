/**
 * Messages of the live sockets (mirrors worker/src/realtime/events.ts; kept as local types so the SPA
 * never depends on Worker files at build time).
 */
import type { ExecutionStatus, StepStatus } from "./executions";

export interface LiveNodeState {
  nodeId: string;
  nodeName: string;
  status: StepStatus;
  attempt: number;
  error: { message: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface LiveExecutionState {
  id: string;
  workflowId: string;
  status: ExecutionStatus;
  error: { message: string; nodeId?: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type ExecutionLiveMessage =
  | {
      type: "snapshot";
      seq: number;
      execution: LiveExecutionState | null;
      nodes: Record<string, LiveNodeState>;
    }
  | ({ type: "node"; seq: number } & LiveNodeState)
  | ({ type: "execution"; seq: number } & LiveExecutionState);

export type WorkflowLiveMessage =
  | { type: "snapshot"; seq: number; workflowId: string; execution: LiveExecutionState | null }
  | ({ type: "execution"; seq: number; executionId: string } & LiveExecutionState);
