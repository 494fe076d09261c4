/**
 * The editor's state: React Flow's nodes and edges (positions, selection and measured sizes live there),
 * the workflow name, and the undo history of whole documents. A reducer, so every change is one named
 * action and the rules (what makes an undo step, what counts as unsaved) sit in one place.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
} from "@xyflow/react";
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from "../api/types";

type WorkflowSettings = NonNullable<WorkflowDocument["settings"]>;
import { createHistory, pushHistory, redo, undo, type History } from "./history";

export type FlowNodeData = { node: WorkflowNode };
export type FlowNode = Node<FlowNodeData, "workflow">;
export type FlowEdge = Edge;

export interface EditorState {
  name: string;
  tags: string[];
  /** nodeId → pinned output (manual and test runs use it instead of running the node). */
  pinData: Record<string, unknown>;
  /** Workflow settings (error workflow, concurrency): kept and sent back with every save. */
  settings: WorkflowSettings;
  nodes: FlowNode[];
  edges: FlowEdge[];
  history: History<WorkflowDocument>;
  /** Serial of the history entry last saved (or loaded): anything else is unsaved. */
  savedSerial: number;
}

export type EditorAction =
  | { type: "nodesChanged"; changes: NodeChange<FlowNode>[] }
  | { type: "edgesChanged"; changes: EdgeChange<FlowEdge>[] }
  /** Records the current graph as one undo step (after a drag, a deletion). */
  | { type: "commit"; mergeKey?: string }
  | { type: "addFragment"; nodes: WorkflowNode[]; edges: WorkflowEdge[] }
  | { type: "connect"; edge: WorkflowEdge }
  | {
      type: "updateNode";
      id: string;
      patch: Partial<Omit<WorkflowNode, "id" | "position">>;
      mergeKey?: string;
    }
  | { type: "rename"; name: string }
  | { type: "setTags"; tags: string[] }
  /** Pins `value` as the node's output; `undefined` unpins. */
  | { type: "setPin"; nodeId: string; value: unknown }
  /** A document that replaces the editor's, e.g. a restored version or a past run's data to debug. */
  | { type: "load"; document: WorkflowDocument; dirty?: boolean }
  | { type: "settings"; settings: WorkflowSettings }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "selectOnly"; id: string | null }
  | { type: "selectAll" }
  /** The server's copy after a save: keeps positions and selection, takes server-assigned fields. */
  | { type: "saved"; document: WorkflowDocument; serial: number };

export function toFlowNode(node: WorkflowNode, selected = false): FlowNode {
  return { id: node.id, type: "workflow", position: node.position, data: { node }, selected };
}

export function toFlowEdge(edge: WorkflowEdge): FlowEdge {
  const sourceHandle = edge.sourceHandle ?? "main";
  return { id: edge.id, source: edge.source, target: edge.target, sourceHandle };
}

export function documentOf(
  state: Pick<EditorState, "name" | "nodes" | "edges"> &
    Partial<Pick<EditorState, "tags" | "pinData">> & { settings?: WorkflowSettings },
): WorkflowDocument {
  // Pins of deleted nodes go with them (the server would drop them with a warning).
  const pins = Object.entries(state.pinData ?? {}).filter(([id]) => state.nodes.some((n) => n.id === id));
  return {
    name: state.name,
    ...(state.settings ? { settings: state.settings } : {}),
    nodes: state.nodes.map((n) => ({ ...n.data.node, position: roundPosition(n.position) })),
    edges: state.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: e.sourceHandle ?? "main",
    })),
    // Left out when empty (PUT replaces the whole document: no tags means none).
    ...(state.tags && state.tags.length > 0 ? { tags: state.tags } : {}),
    ...(pins.length > 0 ? { pinData: Object.fromEntries(pins) } : {}),
  };
}

const roundPosition = (p: { x: number; y: number }) => ({ x: Math.round(p.x), y: Math.round(p.y) });

export function initialEditorState(document: WorkflowDocument): EditorState {
  return {
    name: document.name,
    tags: document.tags ?? [],
    pinData: document.pinData ?? {},
    settings: document.settings ?? {},
    nodes: document.nodes.map((n) => toFlowNode(n)),
    edges: document.edges.map(toFlowEdge),
    history: createHistory(document),
    savedSerial: 0,
  };
}

export const isDirty = (state: EditorState) => state.history.present.serial !== state.savedSerial;

function commit(state: EditorState, mergeKey?: string): EditorState {
  return { ...state, history: pushHistory(state.history, documentOf(state), mergeKey) };
}

/** Rebuilds the graph from a snapshot, keeping what React Flow measured so nodes need no re-measure. */
function restore(state: EditorState, history: History<WorkflowDocument>): EditorState {
  const doc = history.present.value;
  const previous = new Map(state.nodes.map((n) => [n.id, n]));
  const nodes = doc.nodes.map((wf) => {
    const old = previous.get(wf.id);
    const node = toFlowNode(wf, old?.selected ?? false);
    return old?.measured ? { ...node, measured: old.measured } : node;
  });
  return {
    ...state,
    name: doc.name,
    tags: doc.tags ?? [],
    pinData: doc.pinData ?? {},
    settings: doc.settings ?? {},
    nodes,
    edges: doc.edges.map(toFlowEdge),
    history,
  };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "nodesChanged":
      return { ...state, nodes: applyNodeChanges(action.changes, state.nodes) };
    case "edgesChanged":
      return { ...state, edges: applyEdgeChanges(action.changes, state.edges) };
    case "commit":
      return commit(state, action.mergeKey);
    case "addFragment": {
      const deselected = state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n));
      return commit({
        ...state,
        nodes: [...deselected, ...action.nodes.map((n) => toFlowNode(n, true))],
        edges: [...state.edges, ...action.edges.map(toFlowEdge)],
      });
    }
    case "connect":
      return commit({ ...state, edges: [...state.edges, toFlowEdge(action.edge)] });
    case "updateNode":
      return commit(
        {
          ...state,
          nodes: state.nodes.map((n) =>
            n.id === action.id ? { ...n, data: { node: { ...n.data.node, ...action.patch } } } : n,
          ),
        },
        action.mergeKey,
      );
    case "rename":
      return commit({ ...state, name: action.name }, "workflow-name");
    case "setTags":
      return commit({ ...state, tags: action.tags });
    case "setPin": {
      const pinData = { ...state.pinData };
      if (action.value === undefined) delete pinData[action.nodeId];
      else pinData[action.nodeId] = action.value;
      return commit({ ...state, pinData });
    }
    case "load": {
      const fresh = initialEditorState(action.document);
      // Loaded as unsaved (a past run's data): one undo step back to what was there, Save keeps it.
      if (action.dirty) return commit({ ...fresh, history: state.history, savedSerial: state.savedSerial });
      return fresh;
    }
    case "settings":
      return commit({ ...state, settings: action.settings });
    case "undo":
      return restore(state, undo(state.history));
    case "redo":
      return restore(state, redo(state.history));
    case "selectOnly":
      return {
        ...state,
        nodes: state.nodes.map((n) =>
          (n.id === action.id) === Boolean(n.selected) ? n : { ...n, selected: n.id === action.id },
        ),
        edges: state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      };
    case "selectAll":
      return {
        ...state,
        nodes: state.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
        edges: state.edges.map((e) => (e.selected ? e : { ...e, selected: true })),
      };
    case "saved": {
      // Only server-assigned fields (webhookId) change on save; everything else is what we sent.
      const fromServer = new Map(action.document.nodes.map((n) => [n.id, n]));
      const nodes = state.nodes.map((n) => {
        const webhookId = fromServer.get(n.id)?.webhookId ?? null;
        return (n.data.node.webhookId ?? null) === webhookId
          ? n
          : { ...n, data: { node: { ...n.data.node, webhookId } } };
      });
      const next = { ...state, nodes };
      // `serial` is the entry that was sent: edits made while the request was out stay unsaved.
      if (state.history.present.serial !== action.serial) return { ...next, savedSerial: action.serial };
      const history = { ...state.history, present: { ...state.history.present, value: documentOf(next) } };
      return { ...next, history, savedSerial: action.serial };
    }
  }
}
