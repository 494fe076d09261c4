/**
 * The shapes of the public API the SPA uses (DESIGN.md "The public contract").
 * Only types: nothing here pulls Worker code into the bundle.
 */
import type { WorkflowDocument } from "../../../worker/src/engine/workflow-document";

export interface Me {
  id: string;
  email: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  active: boolean;
  version: number;
  tags?: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The workflow document types come from the Worker's zod schema (type-only import: erased from the
 * bundle), so the SPA and the API cannot drift apart. `DocumentProblem` is what a 422 carries in
 * `error.details`, one per node/field.
 */
export type {
  DocumentProblem,
  WorkflowDocument,
  WorkflowEdge,
  WorkflowNode,
} from "../../../worker/src/engine/workflow-document";

/** Something a save accepted but changed (e.g. `pin_dropped`: a pin naming no node was dropped). */
export interface SaveWarning {
  code: string;
  message: string;
  nodeId?: string;
}

/** What GET /api/workflows/:id returns: the document plus its metadata. */
export interface Workflow extends WorkflowDocument, WorkflowSummary {
  tags?: string[];
  warnings?: SaveWarning[];
}

/** One entry of `GET /api/workflows/:id/versions`. */
export interface VersionSummary {
  version: number;
  createdAt: string;
  name: string;
  nodeCount: number;
  edgeCount: number;
  current: boolean;
}
