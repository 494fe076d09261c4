/** The workflows resource. */
import { api } from "./client";
import { forgetPrefetchedWorkflow } from "./prefetch";
import type { Page, Workflow, WorkflowDocument, WorkflowSummary } from "./types";

/** A new workflow starts empty: the editor opens on a trigger picker, so nothing has to be deleted first. */
export function newWorkflowDocument(name: string): WorkflowDocument {
  return { name, nodes: [], edges: [] };
}

/** The fields PUT accepts, taken from what GET returned (metadata such as version stays server-side). */
export function toDocument(workflow: Workflow): WorkflowDocument {
  return { name: workflow.name, nodes: workflow.nodes, edges: workflow.edges, settings: workflow.settings };
}

export const workflowsApi = {
  list: (cursor?: string, signal?: AbortSignal) =>
    api.get<Page<WorkflowSummary>>("/api/workflows", { query: { cursor, limit: 50 }, signal }),
  get: (id: string, signal?: AbortSignal) =>
    api.get<Workflow>(`/api/workflows/${encodeURIComponent(id)}`, { signal }),
  create: (document: WorkflowDocument) => api.post<Workflow>("/api/workflows", document),
  update: (id: string, document: WorkflowDocument) => {
    forgetPrefetchedWorkflow(id);
    return api.put<Workflow>(`/api/workflows/${encodeURIComponent(id)}`, document);
  },
  remove: (id: string) => {
    forgetPrefetchedWorkflow(id);
    return api.delete(`/api/workflows/${encodeURIComponent(id)}`);
  },
  activate: (id: string) => {
    forgetPrefetchedWorkflow(id);
    return api.post<Workflow>(`/api/workflows/${encodeURIComponent(id)}/activate`, {});
  },
  deactivate: (id: string) => {
    forgetPrefetchedWorkflow(id);
    return api.post<Workflow>(`/api/workflows/${encodeURIComponent(id)}/deactivate`, {});
  },
  /** The document of one saved version (what an execution ran). */
  version: (id: string, version: number, signal?: AbortSignal) =>
    api.get<WorkflowDocument & { version: number }>(
      `/api/workflows/${encodeURIComponent(id)}/versions/${version}`,
      { signal },
    ),

  /** Rename = read the whole document, change its name, write it back (PUT replaces the whole document). */
  async rename(id: string, name: string): Promise<Workflow> {
    const current = await workflowsApi.get(id);
    return workflowsApi.update(id, { ...toDocument(current), name });
  },
};
