/**
 * `/workflows/:id`: for now a read-only view of the workflow's nodes. The editor issue replaces this
 * page with the canvas; it loads in its own chunk.
 */
import { Link, useParams } from "@tanstack/react-router";
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";
import type { Workflow } from "../api/types";
import { workflowsApi } from "../api/workflows";
import { describeError } from "../components/toaster";
import { formatDateTime } from "../lib/format";

type DetailState =
  | { status: "loading" }
  | { status: "notFound" }
  | { status: "error"; message: string }
  | { status: "ready"; workflow: Workflow };

export function WorkflowDetailPage() {
  const { workflowId } = useParams({ from: "/app/workflows/$workflowId" });
  const [state, setState] = useState<DetailState>({ status: "loading" });

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setState({ status: "loading" });
      try {
        setState({ status: "ready", workflow: await workflowsApi.get(workflowId, signal) });
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof ApiError && error.status === 404) setState({ status: "notFound" });
        else setState({ status: "error", message: describeError(error) });
      }
    },
    [workflowId],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/workflows">Workflows</Link>
        <span aria-hidden="true">/</span>
        <span>{state.status === "ready" ? state.workflow.name : "Workflow"}</span>
      </nav>

      {state.status === "loading" && (
        <div className="skeleton skeleton-block" aria-busy="true" aria-label="Loading" />
      )}
      {state.status === "notFound" && (
        <div className="state">
          <h1 className="state-title">Workflow not found</h1>
          <p>It may have been deleted, or it belongs to another account.</p>
          <Link to="/workflows" className="btn btn-primary">
            Back to workflows
          </Link>
        </div>
      )}
      {state.status === "error" && (
        <div className="state state-error" role="alert">
          <h1 className="state-title">Could not load this workflow</h1>
          <p>{state.message}</p>
          <button type="button" className="btn btn-secondary" onClick={() => void load()}>
            Try again
          </button>
        </div>
      )}
      {state.status === "ready" && <WorkflowSummaryView workflow={state.workflow} />}
    </div>
  );
}

function WorkflowSummaryView({ workflow }: { workflow: Workflow }) {
  return (
    <>
      <div className="page-header">
        <div>
          <h1 className="page-title">{workflow.name}</h1>
          <p className="page-subtitle">
            <span className={workflow.active ? "badge badge-success" : "badge"}>
              {workflow.active ? "Active" : "Inactive"}
            </span>{" "}
            Version {workflow.version} · updated {formatDateTime(workflow.updatedAt)}
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="nodes-heading">
        <h2 id="nodes-heading" className="card-title">
          Nodes <span className="count">{workflow.nodes.length}</span>
        </h2>
        <ul className="node-list">
          {workflow.nodes.map((node) => (
            <li key={node.id} className="node-item" data-node-id={node.id}>
              <span className="node-name">{node.name}</span>
              <code className="node-type">{node.type}</code>
            </li>
          ))}
        </ul>
        <p className="muted">
          {workflow.edges.length} connection{workflow.edges.length === 1 ? "" : "s"}.
        </p>
      </section>
    </>
  );
}
