/**
 * What is drawn over nodes without being part of the document: live run status and server validation
 * problems. An external store keyed by node id, so a status change re-renders that one node only
 * (a 500-node workflow would otherwise re-render every node per live message).
 */
import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { LoopProgress, NodeSizes, StepStatus } from "../api/executions";

export interface NodeRunState {
  status: StepStatus;
  error?: { message: string } | null;
  attempt?: number;
  /** Loop body nodes: elements done / failed of total. */
  items?: LoopProgress;
  /** Stored bytes of the node's input and output (from the live state: no data is loaded for it). */
  sizes?: NodeSizes;
}

export interface NodeOverlay {
  run?: NodeRunState;
  problems?: string[];
}

export class NodeOverlayStore {
  private overlays = new Map<string, NodeOverlay>();
  private listeners = new Map<string, Set<() => void>>();
  private allListeners = new Set<() => void>();
  private version = 0;

  get(nodeId: string): NodeOverlay | undefined {
    return this.overlays.get(nodeId);
  }

  getVersion = () => this.version;

  subscribe(nodeId: string, listener: () => void): () => void {
    const set = this.listeners.get(nodeId) ?? new Set();
    set.add(listener);
    this.listeners.set(nodeId, set);
    return () => set.delete(listener);
  }

  subscribeAll = (listener: () => void): (() => void) => {
    this.allListeners.add(listener);
    return () => this.allListeners.delete(listener);
  };

  setRun(nodeId: string, run: NodeRunState | undefined) {
    this.patch(nodeId, { run });
  }

  /** Replaces every node's run state (a snapshot, or clearing before a new run). */
  resetRuns(runs: Record<string, NodeRunState>) {
    const ids = new Set([...this.overlays.keys(), ...Object.keys(runs)]);
    for (const id of ids) this.patch(id, { run: runs[id] }, false);
    this.emitAll();
  }

  /** Replaces every node's problems (after a save answered 422, or cleared after a good save). */
  resetProblems(problems: Map<string, string[]>) {
    const ids = new Set([...this.overlays.keys(), ...problems.keys()]);
    for (const id of ids) this.patch(id, { problems: problems.get(id) }, false);
    this.emitAll();
  }

  private patch(nodeId: string, patch: Partial<NodeOverlay>, emitAll = true) {
    const current = this.overlays.get(nodeId) ?? {};
    const next = { ...current, ...patch };
    if (sameOverlay(current, next)) return;
    this.overlays.set(nodeId, next);
    this.version++;
    this.listeners.get(nodeId)?.forEach((l) => l());
    if (emitAll) this.emitAll();
  }

  private emitAll() {
    this.allListeners.forEach((l) => l());
  }
}

function sameOverlay(a: NodeOverlay, b: NodeOverlay): boolean {
  return (
    a.run?.status === b.run?.status &&
    a.run?.error?.message === b.run?.error?.message &&
    a.run?.attempt === b.run?.attempt &&
    a.run?.items?.done === b.run?.items?.done &&
    a.run?.items?.failed === b.run?.items?.failed &&
    a.run?.items?.total === b.run?.items?.total &&
    a.run?.sizes?.inputBytes === b.run?.sizes?.inputBytes &&
    a.run?.sizes?.outputBytes === b.run?.sizes?.outputBytes &&
    (a.problems ?? []).join("\n") === (b.problems ?? []).join("\n")
  );
}

export const NodeOverlayContext = createContext<NodeOverlayStore | null>(null);

export function useNodeOverlay(nodeId: string): NodeOverlay | undefined {
  const store = useContext(NodeOverlayContext);
  // A stable subscribe: a new function each render would make React unsubscribe and subscribe again.
  const subscribe = useCallback(
    (listener: () => void) => store?.subscribe(nodeId, listener) ?? (() => {}),
    [store, nodeId],
  );
  return useSyncExternalStore(subscribe, () => store?.get(nodeId));
}
