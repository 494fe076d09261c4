/**
 * `/workflows/:id`: loads the workflow and the node types, then opens the editor. Its own lazy chunk,
 * because @xyflow/react is the heaviest dependency of the SPA and the list pages do not need it.
 */
import { Link, useParams } from "@tanstack/react-router";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { nodeTypesApi, type NodeTypeInfo } from "../api/node-types";
import { takePrefetchedWorkflow } from "../api/prefetch";
import type { Workflow } from "../api/types";
import { workflowsApi } from "../api/workflows";
import { describeError } from "../components/toaster";
import { WorkflowEditor } from "./workflow-editor";
import { LoadError } from "../components/load-states";

type PageState =
  | { status: "loading" }
  | { status: "notFound" }
  | { status: "error"; message: string }
  | { status: "ready"; workflow: Workflow; nodeTypes: NodeTypeInfo[] };

export function EditorPage() {
  const { workflowId } = useParams({ from: "/app/workflows/$workflowId" });
  const [state, setState] = useState<PageState>({ status: "loading" });

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setState({ status: "loading" });
      try {
        const [workflow, nodeTypes] = await Promise.all([
          workflowsApi.get(workflowId, signal),
          nodeTypesApi.list(),
        ]);
        if (!signal?.aborted) setState({ status: "ready", workflow, nodeTypes });
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof ApiError && error.status === 404 && error.code !== "not_found_route")
          setState({ status: "notFound" });
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

  if (state.status === "ready") {
    return (
      <ReactFlowProvider>
        <WorkflowEditor key={state.workflow.id} workflow={state.workflow} nodeTypes={state.nodeTypes} />
      </ReactFlowProvider>
    );
  }
  return (
    <div className="page">
      {state.status === "loading" && (
        <div className="editor-loading" aria-busy="true" aria-label="Loading the editor">
          <div className="skeleton skeleton-block" />
        </div>
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
        <LoadError
          title="Could not open this workflow"
          message={state.message}
          onRetry={() => void load()}
          heading="h1"
        />
      )}
    </div>
  );
}
