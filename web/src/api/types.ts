/**
 * The shapes of the public API the SPA uses (DESIGN.md "The public contract").
 * Kept here as plain types so the SPA bundle never pulls Worker code.
 */

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
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowNode {
  id: string;
  type: string;
  name: string;
  position: { x: number; y: number };
  parameters: Record<string, unknown>;
  credentialId?: string | null;
  webhookId?: string | null;
  retry?: { maxAttempts: number; backoff: "exponential" | "constant"; delayMs: number } | null;
  onError?: "stop" | "continue" | null;
}

export interface WorkflowEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

/** What POST /api/workflows and PUT /api/workflows/:id take. */
export interface WorkflowDocument {
  name: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

/** What GET /api/workflows/:id returns: the document plus its metadata. */
export interface Workflow extends WorkflowDocument, WorkflowSummary {}
