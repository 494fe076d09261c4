/**
 * Following runs in the editor: the workflow's live socket announces every new execution (manual, webhook,
 * schedule); the editor then follows that execution's own socket and paints each node's status into the
 * overlay store. When the run ends, its step records (input/output) are fetched for the config panel.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { executionsApi, isTerminalStatus, type ExecutionStep, type ExecutionStatus } from "../api/executions";
import { recordSizes } from "../lib/format";
import { openLiveSocket, type LiveConnectionState } from "../api/live";
import type { ExecutionLiveMessage, WorkflowLiveMessage } from "../../../worker/src/realtime/events";
import { toast } from "../components/toaster";
import type { NodeOverlayStore, NodeRunState } from "./node-overlay";

export interface FollowedExecution {
  id: string;
  status: ExecutionStatus;
  error: { message: string; nodeId?: string } | null;
}

export interface LiveRun {
  execution: FollowedExecution | null;
  connection: LiveConnectionState;
  steps: Map<string, ExecutionStep>;
  follow: (executionId: string) => void;
  refreshSteps: () => void;
}

const isTerminal = isTerminalStatus;

export function useLiveRun(workflowId: string, overlay: NodeOverlayStore): LiveRun {
  const [execution, setExecution] = useState<FollowedExecution | null>(null);
  const [connection, setConnection] = useState<LiveConnectionState>("closed");
  const [steps, setSteps] = useState<Map<string, ExecutionStep>>(new Map());
  const current = useRef<{ id: string; status?: string; stop?: () => void } | null>(null);

  const loadSteps = useCallback(
    async (executionId: string) => {
      try {
        const detail = await executionsApi.get(executionId);
        if (current.current?.id !== executionId) return;
        setSteps(new Map(detail.steps.map((s) => [s.nodeId, s])));
        // The record is the truth once the run is over: repaint from it (covers a missed last message).
        if (isTerminal(detail.status)) {
          const runs: Record<string, NodeRunState> = {};
          for (const s of detail.steps) {
            // The record is loaded here anyway: its sizes are measured from it.
            const sizes = recordSizes(s);
            runs[s.nodeId] = { status: s.status, error: s.error, attempt: s.attempts, items: s.items, sizes };
          }
          overlay.resetRuns(runs);
          setExecution({ id: detail.id, status: detail.status, error: detail.error ?? null });
        }
      } catch (error) {
        toast.error("Could not load the run's data", error);
      }
    },
    [overlay],
  );

  const follow = useCallback(
    (executionId: string) => {
      if (current.current?.id === executionId) return;
      current.current?.stop?.();
      const followed: { id: string; status?: string; stop?: () => void } = { id: executionId };
      current.current = followed;
      overlay.resetRuns({});
      setSteps(new Map());
      setExecution({ id: executionId, status: "queued", error: null });
      followed.stop = openLiveSocket<ExecutionLiveMessage>(
        `/api/executions/${encodeURIComponent(executionId)}/live`,
        {
          isDone: () => isTerminal(followed.status),
          onState: (state) => {
            if (current.current === followed) setConnection(state);
          },
          onMessage: (message) => {
            if (current.current !== followed) return;
            if (message.type === "snapshot") {
              const runs: Record<string, NodeRunState> = {};
              for (const n of Object.values(message.nodes ?? {})) runs[n.nodeId] = toRunState(n);
              overlay.resetRuns(runs);
              if (message.execution) applyExecution(message.execution);
            } else if (message.type === "node") {
              overlay.setRun(message.nodeId, toRunState(message));
            } else if (message.type === "execution") {
              applyExecution(message);
            }
          },
        },
      );

      function applyExecution(state: { status: ExecutionStatus; error: FollowedExecution["error"] }) {
        const wasTerminal = isTerminal(followed.status);
        followed.status = state.status;
        setExecution({ id: executionId, status: state.status, error: state.error ?? null });
        if (isTerminal(state.status) && !wasTerminal) void loadSteps(executionId);
      }
    },
    [overlay, loadSteps],
  );

  // Opening the editor shows the latest finished run: statuses on the nodes and each node's input and
  // output in its panel, as n8n does, without running anything. A run that starts meanwhile wins.
  useEffect(() => {
    const controller = new AbortController();
    executionsApi
      .list({ workflowId, limit: 1 }, controller.signal)
      .then((page) => {
        const latest = page.items[0];
        if (!latest || current.current || !isTerminal(latest.status)) return;
        current.current = { id: latest.id, status: latest.status };
        setExecution({ id: latest.id, status: latest.status, error: null });
        void loadSteps(latest.id);
      })
      .catch(() => {
        // No latest run to show is not an error worth a toast: the editor works without it.
      });
    return () => controller.abort();
  }, [workflowId, loadSteps]);

  // The workflow's own room: new executions of this workflow, whatever started them.
  useEffect(() => {
    const stop = openLiveSocket<WorkflowLiveMessage>(
      `/api/workflows/${encodeURIComponent(workflowId)}/live`,
      {
        onMessage: (message) => {
          if (message.type === "snapshot") {
            // Opening the editor during a run (a webhook call, say) shows it; a finished one is not replayed.
            if (message.execution && !isTerminal(message.execution.status)) follow(message.execution.id);
          } else if (message.type === "execution") {
            const id = message.executionId ?? message.id;
            if (id !== current.current?.id && !isTerminal(message.status)) follow(id);
          }
        },
      },
    );
    return stop;
  }, [workflowId, follow]);

  useEffect(() => () => current.current?.stop?.(), []);

  const refreshSteps = useCallback(() => {
    if (current.current) void loadSteps(current.current.id);
  }, [loadSteps]);

  return { execution, connection, steps, follow, refreshSteps };
}

function toRunState(n: {
  status: NodeRunState["status"];
  error: { message: string } | null;
  attempt: number;
  items?: NodeRunState["items"];
  sizes?: NodeRunState["sizes"];
}) {
  return { status: n.status, error: n.error, attempt: n.attempt, items: n.items, sizes: n.sizes };
}
