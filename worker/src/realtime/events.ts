/**
 * Run events: what the engine publishes to a RunRoom and what a live WebSocket receives.
 * The web app imports these types (types only), so keep this file free of runtime imports.
 */
import type { ExecutionStatus, FinishedExecutionStatus, StepStatus } from "../storage/statuses";

export type { ExecutionStatus, FinishedExecutionStatus, StepStatus };

/** A node's live state. `attempt` counts runs of its step (1 on the first try). */
export interface LiveNodeState {
  nodeId: string;
  nodeName: string;
  status: StepStatus;
  attempt: number;
  /** The last error: of the failed node, or of the previous attempt while it retries. */
  error: { message: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Nodes in a loop body: how many elements this node finished (`done`) and failed, of `total`. */
  items?: LoopProgress;
  /**
   * Bytes of the node's recorded input and output, as stored (UTF-8 JSON; null: nothing recorded), so a
   * viewer can show them without loading the data. The payloads themselves never travel on a socket.
   * Absent while not known (a node that has not recorded its input yet, some end states).
   */
  sizes?: NodeSizes;
}

/** Stored bytes of a node's record: its input and its output (null: not recorded). */
export interface NodeSizes {
  inputBytes: number | null;
  outputBytes: number | null;
}

/** A loop body node's progress over the elements (`37 / 120`, 2 failed). */
export interface LoopProgress {
  done: number;
  failed: number;
  total: number;
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

/** Published by the engine (or the cancel API) about one node. `at` (ms) orders events of one node. */
export interface NodeEvent {
  type: "node";
  executionId: string;
  node: LiveNodeState;
  at: number;
}

/** Published about an execution: its status changed. */
export interface ExecutionEvent {
  type: "execution";
  execution: LiveExecutionState;
  at: number;
  /** With the final status, for a caller waiting on the run (`respond: "lastNode"`): what it answers. */
  result?: RunResult;
}

/** What a finished run hands a caller that waits for it: the node that finished last, and its output. */
export interface RunResult {
  lastNode: { nodeId: string; nodeName: string; output: unknown } | null;
}

/** How a run ended, as `RunRoom.awaitEnd` answers; `result` is null when the room no longer holds it. */
export interface RunEnd {
  execution: LiveExecutionState;
  result: RunResult | null;
}

export type RunEvent = NodeEvent | ExecutionEvent;

// ---- Messages on `GET /api/executions/:id/live` ----------------------------------------------------

/** First message on every (re)connection: the whole current state. `seq` is the room's message counter. */
export interface SnapshotMessage {
  type: "snapshot";
  seq: number;
  execution: LiveExecutionState | null;
  nodes: Record<string, LiveNodeState>;
}

/** A node changed. Fields of `LiveNodeState` are spread at the top level. */
export type NodeMessage = { type: "node"; seq: number } & LiveNodeState;

/** The execution changed. */
export type ExecutionMessage = { type: "execution"; seq: number } & LiveExecutionState;

export type ExecutionLiveMessage = SnapshotMessage | NodeMessage | ExecutionMessage;

// ---- Messages on `GET /api/workflows/:id/live` -----------------------------------------------------

/** First message: the workflow's newest execution (or null). */
export interface WorkflowSnapshotMessage {
  type: "snapshot";
  seq: number;
  workflowId: string;
  execution: LiveExecutionState | null;
}

/** An execution of the workflow started or changed status; subscribe to its own room for node detail. */
export type WorkflowExecutionMessage = {
  type: "execution";
  seq: number;
  executionId: string;
} & LiveExecutionState;

export type WorkflowLiveMessage = WorkflowSnapshotMessage | WorkflowExecutionMessage;
