/**
 * The editor: palette | canvas | configuration panel, with the toolbar above. Owns the document (reducer
 * with undo history), saving (server problems go onto nodes and fields), running and live status.
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type IsValidConnection,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type DragEvent } from "react";
import { ApiError } from "../api/client";
import { executionsApi, isTerminalStatus } from "../api/executions";
import type { NodeTypeInfo } from "../api/node-types";
import type { Workflow, WorkflowNode } from "../api/types";
import { workflowsApi } from "../api/workflows";
import { toast } from "../components/toaster";
import { ConfigPanel } from "./config-panel";
import { HelpDialog } from "./dialogs";
import { useTestRun } from "./test-run-dialog";
import { previewScopeFor } from "./expression-preview";
import { WorkflowSettingsDialog } from "./workflow-settings-dialog";
import { uniqueId, uniqueName, upstreamNodeIds, wouldCreateCycle } from "./document";
import {
  documentOf,
  editorReducer,
  initialEditorState,
  isDirty,
  type FlowEdge,
  type FlowNode,
} from "./editor-state";
import { EditorToolbar } from "./editor-toolbar";
import { HistoryPanel } from "./history-panel";
import { hasInputHandle, outputHandles } from "./handles";
import { canRedo, canUndo } from "./history";
import { NodeOverlayContext, NodeOverlayStore } from "./node-overlay";
import { NodeTypesContext } from "./node-types-context";
import { DRAG_MIME, Palette } from "./palette";
import { problemsByNode, problemsFromDetails, type SaveProblem } from "./save-problems";
import { useClipboard, useEditorShortcuts } from "./use-editor-shortcuts";
import { useLiveRun } from "./use-live-run";
import { UnsavedChangesGuard } from "./unsaved-guard";
import { TriggerPicker } from "./trigger-picker";
import { useRevealNode } from "./reveal-node";
import { flowNodeTypes } from "./workflow-node";
import { PinnedNodesContext } from "./pinned-nodes";
import { useNodeActions } from "./use-node-actions";
import { applyReplay, type Replay } from "./replay";

const NODE_WIDTH = 200;
const NODE_HEIGHT = 64;

export function WorkflowEditor({
  workflow,
  nodeTypes,
  replay,
}: {
  workflow: Workflow;
  nodeTypes: NodeTypeInfo[];
  /** "Open in editor with this data": pin that run's trigger output (unsaved). */
  replay?: Replay;
}) {
  const typeMap = useMemo(() => new Map(nodeTypes.map((t) => [t.type, t])), [nodeTypes]);
  const [state, dispatch] = useReducer(editorReducer, workflow, initialEditorState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const overlay = useMemo(() => new NodeOverlayStore(), []);
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const live = useLiveRun(workflow.id, overlay);
  const [meta, setMeta] = useState({ active: workflow.active, version: workflow.version });
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<SaveProblem[]>([]);
  const [helpOpen, setHelpOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(() => window.innerWidth >= 900);
  const [historyOpen, setHistoryOpen] = useState(false);
  const dirty = isDirty(state);

  const selected = state.nodes.filter((n) => n.selected);
  const panelNode = selected.length === 1 ? selected[0] : null;

  // ---- Saving -------------------------------------------------------------------------------------
  const save = useCallback(async (): Promise<boolean> => {
    const current = stateRef.current;
    const serial = current.history.present.serial;
    const document = documentOf(current);
    setSaving(true);
    try {
      const saved = await workflowsApi.update(workflow.id, document);
      dispatch({ type: "saved", document: saved, serial });
      setMeta({ active: saved.active, version: saved.version });
      setProblems([]);
      overlay.resetProblems(new Map());
      toast.clearErrors();
      toast.success("Saved");
      return true;
    } catch (error) {
      const found = error instanceof ApiError ? problemsFromDetails(error.details, document.nodes) : [];
      setProblems(found);
      overlay.resetProblems(problemsByNode(found));
      const first = found.find((p) => p.nodeId);
      if (first?.nodeId) {
        dispatch({ type: "selectOnly", id: first.nodeId });
        // Bring that node into view next to its panel.
        const id = first.nodeId;
        requestAnimationFrame(() => void flow.fitView({ nodes: [{ id }], maxZoom: 1, duration: 200 }));
      }
      toast.error(
        found.length > 1 ? `Could not save: ${found.length} problems, shown on the nodes` : "Could not save",
        found.length > 1 ? undefined : error,
      );
      return false;
    } finally {
      setSaving(false);
    }
  }, [workflow.id, overlay, flow]);

  // ---- Running ------------------------------------------------------------------------------------
  const testRun = useTestRun({
    workflowId: workflow.id,
    stateRef,
    typeMap,
    steps: live.steps,
    save,
    follow: live.follow,
  });

  useEffect(() => {
    if (!replay) return;
    const applied = applyReplay(workflow, replay);
    if ("problem" in applied) {
      toast.error(applied.problem);
      return;
    }
    dispatch({ type: "load", document: applied.document, dirty: true });
    toast.success(
      "The trigger's data from that run is pinned (not saved yet): run the workflow to replay it",
    );
    // Once, when the editor opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const nodeActions = useNodeActions({
    workflowId: workflow.id,
    stateRef,
    pinData: state.pinData,
    dispatch,
    typeMap,
    steps: live.steps,
    save,
    follow: live.follow,
  });

  const setActive = useCallback(
    async (active: boolean) => {
      if (isDirty(stateRef.current) && !(await save())) return;
      try {
        const updated = active
          ? await workflowsApi.activate(workflow.id)
          : await workflowsApi.deactivate(workflow.id);
        setMeta((m) => ({ ...m, active: updated?.active ?? active }));
        toast.success(active ? "Workflow is active: triggers will start it" : "Workflow deactivated");
      } catch (error) {
        toast.error(active ? "Could not activate" : "Could not deactivate", error);
      }
    },
    [workflow.id, save],
  );

  // ---- Adding and connecting ------------------------------------------------------------------------
  const addNode = useCallback(
    (type: string, at?: { x: number; y: number }) => {
      const info = typeMap.get(type);
      if (!info) return;
      const current = stateRef.current;
      const ids = new Set(current.nodes.map((n) => n.id));
      const from = current.nodes.filter((n) => n.selected);
      const anchor = from.length === 1 ? from[0] : null;
      let position = at;
      if (!position && anchor) position = { x: anchor.position.x + NODE_WIDTH + 60, y: anchor.position.y };
      if (!position) {
        const pane = document.querySelector(".editor-canvas")?.getBoundingClientRect();
        const center = pane
          ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }
          : { x: 400, y: 300 };
        const p = flow.screenToFlowPosition(center);
        position = { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 };
      }
      const node: WorkflowNode = {
        id: uniqueId("n_", ids),
        type,
        name: uniqueName(
          info.title,
          current.nodes.map((n) => n.data.node.name),
        ),
        position: { x: Math.round(position.x), y: Math.round(position.y) },
        parameters: {},
      };
      // Added by click/Enter with one node selected: connect it after that node, as people expect.
      const edges =
        !at && anchor && hasInputHandle(info)
          ? [
              {
                id: uniqueId("e_", new Set(current.edges.map((e) => e.id))),
                source: anchor.id,
                target: node.id,
                sourceHandle: outputHandles(
                  typeMap.get(anchor.data.node.type),
                  anchor.data.node.parameters,
                )[0],
              },
            ]
          : [];
      dispatch({ type: "addFragment", nodes: [node], edges });
    },
    [typeMap, flow],
  );

  const isValidConnection: IsValidConnection<FlowEdge> = useCallback(
    (connection) => {
      const { edges, nodes } = stateRef.current;
      if (!connection.source || !connection.target || connection.source === connection.target) return false;
      const target = nodes.find((n) => n.id === connection.target);
      if (target && !hasInputHandle(typeMap.get(target.data.node.type))) return false;
      const handle = connection.sourceHandle ?? "main";
      if (
        edges.some(
          (e) =>
            e.source === connection.source &&
            e.target === connection.target &&
            (e.sourceHandle ?? "main") === handle,
        )
      ) {
        return false;
      }
      return !wouldCreateCycle(documentOf(stateRef.current).edges, connection.source, connection.target);
    },
    [typeMap],
  );

  const onConnect = useCallback((connection: Connection) => {
    const ids = new Set(stateRef.current.edges.map((e) => e.id));
    dispatch({
      type: "connect",
      edge: {
        id: uniqueId("e_", ids),
        source: connection.source,
        target: connection.target,
        sourceHandle: connection.sourceHandle ?? "main",
      },
    });
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(DRAG_MIME);
      if (!type) return;
      event.preventDefault();
      const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNode(type, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
    },
    [flow, addNode],
  );

  useEditorShortcuts({
    save: () => void save(),
    run: () => void testRun.run(),
    undo: () => dispatch({ type: "undo" }),
    redo: () => dispatch({ type: "redo" }),
    toggleHelp: () => setHelpOpen((open) => !open),
    escape: () => dispatch({ type: "selectOnly", id: null }),
    selectAll: () => dispatch({ type: "selectAll" }),
  });
  useClipboard(
    stateRef,
    (nodes, edges) => dispatch({ type: "addFragment", nodes, edges }),
    () => void flow.deleteElements({ nodes: stateRef.current.nodes.filter((n) => n.selected) }),
  );

  useRevealNode(panelNode?.id);

  // Opening a node while a run is still going: fetch the steps recorded so far (input/output).
  const panelNodeId = panelNode?.id;
  const runStatus = live.execution?.status;
  const { refreshSteps } = live;
  useEffect(() => {
    if (panelNodeId && runStatus && !isTerminalStatus(runStatus)) refreshSteps();
  }, [panelNodeId, runStatus, refreshSteps]);

  const panelProps = useMemo(() => {
    if (!panelNode) return null;
    const wf = panelNode.data.node;
    const doc = { edges: state.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })) };
    const nameById = new Map(state.nodes.map((n) => [n.id, n.data.node.name]));
    return {
      node: wf,
      upstreamNames: upstreamNodeIds(doc.edges, wf.id)
        .map((id) => nameById.get(id)!)
        .filter(Boolean),
      takenNames: new Set(state.nodes.filter((n) => n.id !== wf.id).map((n) => n.data.node.name.trim())),
      problems: problems.filter((p) => p.nodeId === wf.id),
      previewScope: previewScopeFor(wf.id, {
        executionId: live.execution?.id ?? null,
        workflowId: workflow.id,
        steps: live.steps,
        edges: doc.edges,
        triggerIds: new Set(
          state.nodes.filter((n) => typeMap.get(n.data.node.type)?.trigger).map((n) => n.id),
        ),
      }),
    };
  }, [panelNode, state.edges, state.nodes, problems, live.execution?.id, live.steps, workflow.id, typeMap]);

  const workflowProblems = problems.filter((p) => !p.nodeId);

  return (
    <NodeTypesContext.Provider value={typeMap}>
      <NodeOverlayContext.Provider value={overlay}>
        <div className={`editor${paletteOpen ? " palette-open" : ""}${panelNode ? " panel-open" : ""}`}>
          <EditorToolbar
            workflowId={workflow.id}
            name={state.name}
            onRename={(name) => dispatch({ type: "rename", name })}
            dirty={dirty}
            saving={saving}
            active={meta.active}
            version={meta.version}
            canUndo={canUndo(state.history)}
            canRedo={canRedo(state.history)}
            onUndo={() => dispatch({ type: "undo" })}
            onRedo={() => dispatch({ type: "redo" })}
            onSave={() => void save()}
            onRun={() => void testRun.run()}
            onRunWithInput={() => testRun.openDialog(null)}
            onToggleActive={(active) => void setActive(active)}
            onHelp={() => setHelpOpen(true)}
            onSettings={() => setSettingsOpen(true)}
            onTogglePalette={() => setPaletteOpen((open) => !open)}
            paletteOpen={paletteOpen}
            execution={live.execution}
            connection={live.connection}
            tags={state.tags}
            onTags={(tags) => dispatch({ type: "setTags", tags })}
            historyOpen={historyOpen}
            onToggleHistory={() => setHistoryOpen((open) => !open)}
          />
          {workflowProblems.length > 0 && (
            <div className="editor-banner form-error" role="alert">
              {workflowProblems.map((p) => (
                <div key={p.message}>{p.message}</div>
              ))}
            </div>
          )}
          <div className="editor-body">
            {paletteOpen && (
              <Palette nodeTypes={nodeTypes} onAdd={addNode} onClose={() => setPaletteOpen(false)} />
            )}
            <div className="editor-canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
              <PinnedNodesContext.Provider value={nodeActions.pinnedIds}>
                <ReactFlow<FlowNode, FlowEdge>
                  nodes={state.nodes}
                  edges={state.edges}
                  nodeTypes={flowNodeTypes}
                  onNodesChange={(changes) => dispatch({ type: "nodesChanged", changes })}
                  onEdgesChange={(changes) => dispatch({ type: "edgesChanged", changes })}
                  onNodeDragStop={() => dispatch({ type: "commit" })}
                  onSelectionDragStop={() => dispatch({ type: "commit" })}
                  onDelete={() => dispatch({ type: "commit" })}
                  onConnect={onConnect}
                  onNodeContextMenu={nodeActions.openMenu}
                  isValidConnection={isValidConnection}
                  deleteKeyCode={["Delete", "Backspace"]}
                  multiSelectionKeyCode={["Shift", "Meta", "Control"]}
                  fitView
                  fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
                  minZoom={0.05}
                  maxZoom={2}
                  defaultEdgeOptions={{ type: "smoothstep" }}
                  proOptions={{ hideAttribution: true }}
                >
                  <Background gap={20} />
                  <Controls />
                  <MiniMap pannable zoomable ariaLabel="Mini map" />
                </ReactFlow>
              </PinnedNodesContext.Provider>
              {state.nodes.length === 0 && (
                <div className="canvas-empty">
                  <TriggerPicker nodeTypes={nodeTypes} onPick={(type) => addNode(type)} />
                </div>
              )}
            </div>
            {historyOpen && (
              <HistoryPanel
                workflowId={workflow.id}
                current={state.history.present.value}
                savedVersion={meta.version}
                dirty={dirty}
                onRestored={(restored) => {
                  dispatch({ type: "load", document: restored });
                  setMeta({ active: restored.active, version: restored.version });
                }}
                onClose={() => setHistoryOpen(false)}
              />
            )}
            {!historyOpen && panelProps && (
              <ConfigPanel
                key={panelProps.node.id}
                {...panelProps}
                info={typeMap.get(panelProps.node.type)}
                step={live.steps.get(panelProps.node.id) ?? null}
                latestExecutionId={live.execution?.id ?? null}
                saved={!dirty}
                onTestRun={() => testRun.openDialog(panelProps.node.id)}
                pin={nodeActions.pinFor(panelProps.node.id)}
                onRunToHere={() => void nodeActions.runToHere(panelProps.node.id)}
                onPatch={(patch, mergeKey) =>
                  dispatch({ type: "updateNode", id: panelProps.node.id, patch, mergeKey })
                }
                onClose={() => dispatch({ type: "selectOnly", id: null })}
              />
            )}
          </div>
        </div>
        <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
        <WorkflowSettingsDialog
          open={settingsOpen}
          workflowId={workflow.id}
          settings={state.settings}
          onClose={() => setSettingsOpen(false)}
          onApply={(settings) => {
            dispatch({ type: "settings", settings });
            setSettingsOpen(false);
          }}
        />
        <UnsavedChangesGuard dirty={dirty} save={save} />
        {testRun.element}
        {nodeActions.menu}
      </NodeOverlayContext.Provider>
    </NodeTypesContext.Provider>
  );
}
