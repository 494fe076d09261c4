/** The workflows resource. */
import { api } from "./client";
import { forgetPrefetchedWorkflow } from "./prefetch";
import type { Page, VersionSummary, Workflow, WorkflowDocument, WorkflowSummary } from "./types";

/** A new workflow starts empty: the editor opens on a trigger picker, so nothing has to be deleted first. */
export function newWorkflowDocument(name: string): WorkflowDocument {
  return { name, nodes: [], edges: [] };
}

/** The fields PUT accepts, taken from what GET returned (metadata such as version stays server-side). */
export function toDocument(workflow: Workflow): WorkflowDocument {
  const { name, nodes, edges, settings, tags, pinData } = workflow;
  return { name, nodes, edges, settings, tags: tags ?? [], ...(pinData ? { pinData } : {}) };
}

/** Per n8n node: what the import did with it. */
export interface ImportReportEntry {
  nodeName: string;
  status: "converted" | "approximated" | "unsupported";
  message: string;
}
export type ImportedWorkflow = Workflow & { importReport?: ImportReportEntry[] };

/** An n8n export has `connections` (by node name); ours has `edges`. */
export function detectImportFormat(value: unknown): "nodebase" | "n8n" {
  const v = value as Record<string, unknown> | null;
  return v && typeof v === "object" && "connections" in v && !("edges" in v) ? "n8n" : "nodebase";
}

/** `?search=` (name contains) and `?tag=` of the list. */
export interface WorkflowListFilter {
  search?: string;
  tag?: string;
}

export const workflowsApi = {
  list: (cursor?: string, signal?: AbortSignal, filter: WorkflowListFilter = {}) =>
    api.get<Page<WorkflowSummary>>("/api/workflows", {
      query: { cursor, limit: 50, search: filter.search || undefined, tag: filter.tag || undefined },
      signal,
    }),
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

  /** Inactive copy named "<name> (copy)", with new webhook ids. */
  duplicate: (id: string) => api.post<Workflow>(`/api/workflows/${encodeURIComponent(id)}/duplicate`, {}),
  /** Saved versions, newest first. */
  versions: (id: string, cursor?: string, signal?: AbortSignal) =>
    api.get<Page<VersionSummary>>(`/api/workflows/${encodeURIComponent(id)}/versions`, {
      query: { cursor, limit: 50 },
      signal,
    }),
  /** Saves that version's graph as a new version; answers the workflow now. */
  restoreVersion: (id: string, version: number) => {
    forgetPrefetchedWorkflow(id);
    return api.post<Workflow>(`/api/workflows/${encodeURIComponent(id)}/versions/${version}/restore`, {});
  },

  /** Creates a workflow from a file: our export as it is, or an n8n export (`format: "n8n"`). */
  importFile: (body: unknown, format: "nodebase" | "n8n") =>
    api.post<ImportedWorkflow>("/api/workflows/import", body, {
      query: { format: format === "n8n" ? "n8n" : undefined },
    }),

  /** Rename = read the whole document, change its name, write it back (PUT replaces the whole document). */
  async rename(id: string, name: string): Promise<Workflow> {
    const current = await workflowsApi.get(id);
    return workflowsApi.update(id, { ...toDocument(current), name });
  },
};
