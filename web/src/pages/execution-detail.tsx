/**
 * `/executions/:id`: one run. The graph of the version that ran, coloured by step status (live while it
 * runs), each step's input, output and error, and Retry / Cancel.
 */
import { Link, useNavigate, useParams } from "@tanstack/react-router";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError } from "../api/client";
import { executionsApi, formatDuration, TERMINAL_STATUSES, type ExecutionDetail } from "../api/executions";
import { openLiveSocket } from "../api/live";
import type { ExecutionLiveMessage } from "../../../worker/src/realtime/events";
import { nodeTypesApi, type NodeTypeInfo } from "../api/node-types";
import type { WorkflowDocument } from "../api/types";
import { workflowsApi } from "../api/workflows";
import { JsonViewer } from "../components/json-viewer";
import { ConsoleLines } from "../components/console-lines";
import { ElementRecords } from "../components/element-records";
import { StatusBadge } from "../components/status-badge";
import { describeError, toast } from "../components/toaster";
import { NodeOverlayStore, type NodeRunState } from "../editor/node-overlay";
import { ReadOnlyGraph } from "../editor/read-only-graph";
import { formatDateTime, formatSizes, recordSizes } from "../lib/format";

type PageState =
  | { status: "loading" }
  | { status: "notFound" }
  | { status: "error"; message: string }
  | {
      status: "ready";
      execution: ExecutionDetail;
      graph: WorkflowDocument | null;
      graphNote?: string;
      nodeTypes: NodeTypeInfo[];
    };

export function ExecutionDetailPage() {
  const { executionId } = useParams({ from: "/app/executions/$executionId" });
  const navigate = useNavigate();
  const [state, setState] = useState<PageState>({ status: "loading" });
  const [busy, setBusy] = useState(false);
  const [openStep, setOpenStep] = useState<string | null>(null);
  const overlay = useMemo(() => new NodeOverlayStore(), []);

  const paint = useCallback(
    (execution: ExecutionDetail) => {
      const runs: Record<string, NodeRunState> = {};
      for (const s of execution.steps)
        runs[s.nodeId] = { status: s.status, error: s.error, attempt: s.attempts, sizes: recordSizes(s) };
      overlay.resetRuns(runs);
    },
    [overlay],
  );

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const [execution, nodeTypes] = await Promise.all([
          executionsApi.get(executionId, signal),
          nodeTypesApi.list(),
        ]);
        const { graph, note } = await loadGraph(execution, signal);
        paint(execution);
        setState({ status: "ready", execution, graph, graphNote: note, nodeTypes });
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof ApiError && error.status === 404) setState({ status: "notFound" });
        else setState({ status: "error", message: describeError(error) });
      }
    },
    [executionId, paint],
  );

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  // While it runs, follow the live socket; reload the record when it ends.
  const finished = state.status === "ready" && TERMINAL_STATUSES.includes(state.execution.status);
  useEffect(() => {
    if (state.status !== "ready" || finished) return;
    let done = false;
    return openLiveSocket<ExecutionLiveMessage>(`/api/executions/${encodeURIComponent(executionId)}/live`, {
      isDone: () => done,
      onMessage: (message) => {
        if (message.type === "node")
          overlay.setRun(message.nodeId, {
            status: message.status,
            error: message.error,
            attempt: message.attempt,
            sizes: message.sizes,
          });
        if (message.type === "snapshot") {
          for (const n of Object.values(message.nodes ?? {}))
            overlay.setRun(n.nodeId, {
              status: n.status,
              error: n.error,
              attempt: n.attempt,
              sizes: n.sizes,
            });
        }
        const status =
          message.type === "execution"
            ? message.status
            : message.type === "snapshot"
              ? message.execution?.status
              : undefined;
        if (status && TERMINAL_STATUSES.includes(status)) {
          done = true;
          void load();
        }
      },
    });
  }, [state.status, finished, executionId, overlay, load]);

  async function act(action: () => Promise<unknown>, success: string) {
    setBusy(true);
    try {
      await action();
      toast.success(success);
    } catch (error) {
      toast.error("That did not work", error);
    } finally {
      setBusy(false);
    }
  }

  const retry = (mode: "fromFailed" | "latest") =>
    act(
      async () => {
        const { executionId: next } = await executionsApi.retry(executionId, mode);
        await navigate({ to: "/executions/$executionId", params: { executionId: next } });
      },
      mode === "fromFailed" ? "Retrying from the failed step" : "Retrying with the latest version",
    );

  if (state.status === "loading") {
    return (
      <div className="page page-wide">
        <div className="skeleton skeleton-block" aria-busy="true" aria-label="Loading the execution" />
      </div>
    );
  }
  if (state.status === "notFound" || state.status === "error") {
    return (
      <div className="page">
        <div
          className={`state${state.status === "error" ? " state-error" : ""}`}
          role={state.status === "error" ? "alert" : undefined}
        >
          <h1 className="state-title">
            {state.status === "notFound" ? "Execution not found" : "Could not load this execution"}
          </h1>
          <p>
            {state.status === "error"
              ? state.message
              : "It may have been deleted with its workflow, or belongs to another account."}
          </p>
          <Link to="/executions" className="btn btn-primary">
            All executions
          </Link>
        </div>
      </div>
    );
  }

  const { execution, graph } = state;
  const terminal = TERMINAL_STATUSES.includes(execution.status);
  return (
    <div className="page page-wide execution-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/executions">Executions</Link>
        <span aria-hidden="true">/</span>
        <span>{execution.id}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 className="page-title">
            {graph?.name ?? "Execution"} <StatusBadge status={execution.status} />
          </h1>
          <p className="page-subtitle">
            {execution.mode && <>Trigger: {execution.mode} · </>}
            {execution.version !== undefined && <>version {execution.version} · </>}
            {execution.runUntil && (
              <>
                run to “
                {execution.steps.find((s) => s.nodeId === execution.runUntil)?.nodeName ?? execution.runUntil}
                ” ·{" "}
              </>
            )}
            {execution.startedAt ? `started ${formatDateTime(execution.startedAt)}` : "not started yet"}
            {execution.finishedAt && ` · took ${formatDuration(execution.startedAt, execution.finishedAt)}`}
            {execution.retryOf && (
              <>
                {" "}
                · retry of{" "}
                <Link to="/executions/$executionId" params={{ executionId: execution.retryOf }}>
                  {execution.retryOf}
                </Link>
              </>
            )}
            {execution.parentExecutionId && (
              <>
                {" "}
                · called by{" "}
                <Link
                  to="/executions/$executionId"
                  params={{ executionId: execution.parentExecutionId }}
                  data-testid="parent-execution"
                >
                  {execution.parentExecutionId}
                </Link>
              </>
            )}
          </p>
          {execution.children && execution.children.length > 0 && (
            <p className="page-subtitle" data-testid="child-executions">
              Sub-workflow runs:{" "}
              {execution.children.map((child, index) => (
                <span key={child.id}>
                  {index > 0 && ", "}
                  <Link to="/executions/$executionId" params={{ executionId: child.id }}>
                    {child.id.slice(0, 8)}
                  </Link>{" "}
                  <StatusBadge status={child.status} />
                </span>
              ))}
            </p>
          )}
        </div>
        <div className="header-actions">
          <Link
            to="/workflows/$workflowId"
            params={{ workflowId: execution.workflowId }}
            className="btn btn-ghost btn-sm"
          >
            Open workflow
          </Link>
          {execution.triggerNodeId && (
            <Link
              to="/workflows/$workflowId"
              params={{ workflowId: execution.workflowId }}
              search={{ debug: executionId }}
              className="btn btn-secondary btn-sm"
              title="Opens the workflow with this run's trigger data pinned (not saved until you save), to replay and fix it"
            >
              Open in editor with this data
            </Link>
          )}
          {!terminal && (
            <button
              type="button"
              className="btn btn-danger btn-sm"
              disabled={busy}
              onClick={() => void act(() => executionsApi.cancel(executionId).then(() => load()), "Canceled")}
            >
              Cancel
            </button>
          )}
          {terminal && execution.status === "error" && (
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              disabled={busy}
              onClick={() => void retry("fromFailed")}
            >
              Retry from failed
            </button>
          )}
          {terminal && (
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              disabled={busy}
              onClick={() => void retry("latest")}
            >
              Retry with latest
            </button>
          )}
        </div>
      </div>
      {execution.error && (
        <div className="form-error" role="alert">
          {execution.error.message}
        </div>
      )}
      <div className="execution-graph card">
        {graph ? (
          <ReadOnlyGraph
            document={graph}
            nodeTypes={state.nodeTypes}
            overlay={overlay}
            onNodeClick={(id) => setOpenStep(id)}
          />
        ) : (
          <p className="muted">The workflow's graph is not available.</p>
        )}
      </div>
      {state.graphNote && <p className="muted">{state.graphNote}</p>}
      <section aria-labelledby="steps-heading" className="steps">
        <h2 id="steps-heading" className="card-title">
          Steps <span className="count">{execution.steps.length}</span>
        </h2>
        {execution.steps.length === 0 && <p className="muted">No step has run yet.</p>}
        {execution.steps.map((step) => (
          <details
            key={step.nodeId}
            className="step"
            data-testid={`step-${step.nodeId}`}
            data-status={step.status}
            open={openStep === step.nodeId || undefined}
            ref={(el) => {
              if (el && openStep === step.nodeId) el.scrollIntoView({ block: "nearest" });
            }}
          >
            <summary>
              <StatusBadge status={step.status} />
              <span className="step-name">{step.nodeName}</span>
              {step.attempts > 1 && <span className="muted">{step.attempts} attempts</span>}
              {step.pinned && <span className="badge badge-pinned">pinned data</span>}
              {step.items && (
                <span
                  className={`muted wf-node-items${step.items.failed > 0 ? " has-failed" : ""}`}
                  data-testid={`step-items-${step.nodeId}`}
                >
                  {step.items.done} / {step.items.total} elements
                  {step.items.failed > 0 && ` · ${step.items.failed} failed`}
                </span>
              )}
              <span className="muted step-sizes">{formatSizes(recordSizes(step))}</span>
              <span className="muted step-duration">{formatDuration(step.startedAt, step.finishedAt)}</span>
            </summary>
            <div className="step-body">
              {step.error && <div className="form-error">{step.error.message}</div>}
              {step.items ? (
                <ElementRecords executionId={execution.id} nodeId={step.nodeId} progress={step.items} />
              ) : (
                <div className="step-io">
                  <div>
                    <h3 className="run-data-title">Input</h3>
                    <JsonViewer value={step.input} label={`Input of ${step.nodeName}`} />
                  </div>
                  <div>
                    <h3 className="run-data-title">Output</h3>
                    <JsonViewer value={step.output} label={`Output of ${step.nodeName}`} />
                  </div>
                </div>
              )}
              {step.logs && <ConsoleLines lines={step.logs} label={`Console of ${step.nodeName}`} />}
            </div>
          </details>
        ))}
      </section>
    </div>
  );
}

/** The document of the version that ran; the current one (with a note) when versions cannot be read. */
async function loadGraph(
  execution: ExecutionDetail,
  signal?: AbortSignal,
): Promise<{ graph: WorkflowDocument | null; note?: string }> {
  if (execution.version !== undefined) {
    try {
      return { graph: await workflowsApi.version(execution.workflowId, execution.version, signal) };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
    }
  }
  try {
    const current = await workflowsApi.get(execution.workflowId, signal);
    const note =
      execution.version !== undefined && current.version !== execution.version
        ? `Showing the current version (${current.version}); this run used version ${execution.version}.`
        : undefined;
    return { graph: current, note };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { graph: null };
    throw error;
  }
}
