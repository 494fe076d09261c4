/**
 * Starting the editor's requests early: the route's loader (run on link hover and on navigation, while
 * the editor's chunk is still downloading) asks for the workflow and the node types, and the editor page
 * takes the answer instead of asking again. A prefetched answer older than a few seconds is not used.
 */
import { api } from "./client";
import { nodeTypesApi } from "./node-types";
import type { Workflow } from "./types";

const FRESH_MS = 5_000;
const pending = new Map<string, { at: number; promise: Promise<Workflow> }>();

export function prefetchEditor(workflowId: string) {
  const existing = pending.get(workflowId);
  if (!existing || Date.now() - existing.at > FRESH_MS) {
    const promise = api.get<Workflow>(`/api/workflows/${encodeURIComponent(workflowId)}`);
    promise.catch(() => pending.delete(workflowId)); // a failure is asked again by the page itself
    pending.set(workflowId, { at: Date.now(), promise });
  }
  nodeTypesApi.list().catch(() => undefined);
}

/** The prefetched workflow if it is fresh (used once), otherwise null. */
export function takePrefetchedWorkflow(workflowId: string): Promise<Workflow> | null {
  const entry = pending.get(workflowId);
  pending.delete(workflowId);
  return entry && Date.now() - entry.at <= FRESH_MS ? entry.promise : null;
}

/** A write to the workflow makes a prefetched copy stale (workflows.ts calls this on every change). */
export function forgetPrefetchedWorkflow(workflowId: string) {
  pending.delete(workflowId);
}
