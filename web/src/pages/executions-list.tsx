/** `/executions`: every run, newest first, filterable by workflow and status, paginated. */
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useEffect, useState } from "react";
import { EXECUTION_STATUSES, executionsApi, formatDuration, type ExecutionSummary } from "../api/executions";
import type { WorkflowSummary } from "../api/types";
import { workflowsApi } from "../api/workflows";
import { STATUS_LABELS, StatusBadge } from "../components/status-badge";
import { toast } from "../components/toaster";
import { formatDateTime, formatRelative } from "../lib/format";
import { usePagedList, type FetchPage } from "../lib/use-paged-list";
import { LoadError, LoadMoreFooter } from "../components/load-states";

const MODE_LABELS: Record<string, string> = {
  manual: "Manual",
  webhook: "Webhook",
  webhookTest: "Webhook (test)",
  schedule: "Schedule",
  stripe: "Stripe",
  googleForm: "Google Form",
  retry: "Retry",
};

const LIVE_REFRESH_MS = 3000;

export function ExecutionsListPage() {
  const search = useSearch({ from: "/app/executions" });
  const navigate = useNavigate({ from: "/executions" });
  const [workflows, setWorkflows] = useState<WorkflowSummary[]>([]);
  const fetchExecutions = useCallback<FetchPage<ExecutionSummary>>(
    (cursor, signal) =>
      executionsApi.list({ workflowId: search.workflowId, status: search.status, cursor }, signal),
    [search.workflowId, search.status],
  );
  const { list, load, loadMore, loadingMore, refresh } = usePagedList(fetchExecutions, "executions");

  // Live: while the tab is visible the first page is re-read every few seconds, so new runs appear and
  // running ones move on to their final status without a reload.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void refresh((e) => e.id, controller.signal);
    }, LIVE_REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [refresh]);

  useEffect(() => {
    workflowsApi
      .list()
      .then((page) => setWorkflows(page.items))
      .catch((error: unknown) => toast.error("Could not load workflow names", error));
  }, []);

  const names = new Map(workflows.map((w) => [w.id, w.name]));
  const setFilter = (patch: Partial<typeof search>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true });

  return (
    <div className="page page-wide">
      <div className="page-header">
        <div>
          <h1 className="page-title">Executions</h1>
          <p className="page-subtitle">Every run of your workflows, with each step's input and output.</p>
        </div>
      </div>
      <form className="filters" aria-label="Filter executions" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span className="field-label">Workflow</span>
          <select
            className="input input-sm"
            value={search.workflowId ?? ""}
            onChange={(event) => setFilter({ workflowId: event.target.value || undefined })}
          >
            <option value="">All workflows</option>
            {search.workflowId && !names.has(search.workflowId) && (
              <option value={search.workflowId}>This workflow</option>
            )}
            {workflows.map((w) => (
              <option key={w.id} value={w.id} title={w.name}>
                {w.name.length > 60 ? `${w.name.slice(0, 59)}…` : w.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Status</span>
          <select
            className="input input-sm"
            value={search.status ?? ""}
            onChange={(event) => setFilter({ status: event.target.value || undefined })}
          >
            <option value="">Any status</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s] ?? s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void load()}>
          Refresh
        </button>
      </form>

      {list.status === "loading" && (
        <div className="skeleton skeleton-block" aria-busy="true" aria-label="Loading executions" />
      )}
      {list.status === "error" && (
        <LoadError title="Could not load executions" message={list.message} onRetry={() => void load()} />
      )}
      {list.status === "ready" && list.items.length === 0 && (
        <div className="state">
          <h2 className="state-title">
            No executions{search.workflowId || search.status ? " match these filters" : " yet"}
          </h2>
          <p>Run a workflow from the editor, call its webhook, or let its schedule fire.</p>
        </div>
      )}
      {list.status === "ready" && list.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Executions">
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Workflow</th>
                  <th>Trigger</th>
                  <th>Started</th>
                  <th>Duration</th>
                  <th>
                    <span className="sr-only">Open</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((e) => {
                  const started = e.startedAt ?? e.createdAt ?? null;
                  return (
                    <tr key={e.id} data-execution-id={e.id}>
                      <td>
                        <StatusBadge status={e.status} />
                      </td>
                      <td>
                        <Link to="/workflows/$workflowId" params={{ workflowId: e.workflowId }}>
                          {e.workflowName ?? names.get(e.workflowId) ?? e.workflowId}
                        </Link>
                      </td>
                      <td>{MODE_LABELS[e.mode ?? ""] ?? e.mode ?? "—"}</td>
                      <td title={started ? formatDateTime(started) : undefined}>
                        {started ? formatRelative(started) : "—"}
                      </td>
                      <td>{formatDuration(e.startedAt, e.finishedAt) || "—"}</td>
                      <td>
                        <Link
                          to="/executions/$executionId"
                          params={{ executionId: e.id }}
                          className="btn btn-ghost btn-sm"
                        >
                          Details
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <LoadMoreFooter hasMore={Boolean(list.nextCursor)} loading={loadingMore} onLoadMore={loadMore} />
        </>
      )}
    </div>
  );
}
