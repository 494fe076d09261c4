/**
 * `/workflows/:id`: loads the workflow and the node types, then opens the editor. Its own lazy chunk,
 * because @xyflow/react is the heaviest dependency of the SPA and the list pages do not need it.
 */
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { nodeTypesApi, type NodeTypeInfo } from "../api/node-types";
import { prefetchedWorkflow } from "../api/prefetch";
import type { Workflow } from "../api/types";
import { workflowsApi } from "../api/workflows";
import { describeError } from "../components/toaster";
import { WorkflowEditor } from "./workflow-editor";
import { replayOf, type Replay } from "./replay";
import { LoadError } from "../components/load-states";

type PageState =
  | { status: "loading" }
  | { status: "notFound" }
  | { status: "error"; message: string }
  | { status: "ready"; workflow: Workflow; nodeTypes: NodeTypeInfo[]; replay?: Replay };

export function EditorPage() {
  const { workflowId } = useParams({ from: "/app/workflows/$workflowId" });
  const { debug } = useSearch({ from: "/app/workflows/$workflowId" });
  const navigate = useNavigate();
  const [state, setState] = useState<PageState>({ status: "loading" });

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setState({ status: "loading" });
      try {
        const [workflow, nodeTypes, replay] = await Promise.all([
          // The route's loader asked for it while this chunk downloaded: take that answer, do not ask twice.
          prefetchedWorkflow(workflowId) ?? workflowsApi.get(workflowId, signal),
          nodeTypesApi.list(),
          debug ? replayOf(debug, workflowId, signal) : undefined,
        ]);
        if (signal?.aborted) return;
        setState({ status: "ready", workflow, nodeTypes, replay });
        // Applied once: a reload after saving must not pin that run's data again.
        if (debug)
          void navigate({ to: "/workflows/$workflowId", params: { workflowId }, search: {}, replace: true });
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof ApiError && error.status === 404 && error.code !== "not_found_route")
          setState({ status: "notFound" });
        else setState({ status: "error", message: describeError(error) });
      }
    },
    // `debug` is read once per opening: clearing it from the URL must not reload the editor.
    // eslint-disable-next-line react-hooks/exhaustive-deps
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
        <WorkflowEditor
          key={state.workflow.id}
          workflow={state.workflow}
          nodeTypes={state.nodeTypes}
          replay={state.replay}
        />
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
