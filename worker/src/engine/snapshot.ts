/**
 * The part of a saved workflow version (the `workflow_version.document` JSON) the engine runs. The
 * document was validated when it was saved; this keeps only what a run needs and checks its shape again,
 * because a run must fail with a message rather than crash on a malformed snapshot.
 */
import { z } from "zod";
import { ON_ERROR } from "./workflow-document";

const RetryPolicy = z.object({
  maxAttempts: z.number().int().min(1).max(10),
  backoff: z.enum(["exponential", "constant"]),
  delayMs: z.number().int().min(0),
});

export const SnapshotNodeSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  parameters: z.record(z.string(), z.unknown()).default({}),
  credentialId: z.string().nullish(),
  retry: RetryPolicy.nullish(),
  onError: z.enum(ON_ERROR).nullish(),
});

export const SnapshotEdgeSchema = z.object({
  id: z.string().optional(),
  source: z.string(),
  target: z.string(),
  sourceHandle: z.string().nullish(),
});

export const WorkflowSnapshotSchema = z.object({
  nodes: z.array(SnapshotNodeSchema),
  edges: z.array(SnapshotEdgeSchema).default([]),
});

export type SnapshotNode = z.infer<typeof SnapshotNodeSchema>;
export type SnapshotEdge = z.infer<typeof SnapshotEdgeSchema>;
export type WorkflowSnapshot = z.infer<typeof WorkflowSnapshotSchema>;

/** Parses a stored document; throws an Error naming the first problem. */
export function parseSnapshot(document: unknown): WorkflowSnapshot {
  const parsed = WorkflowSnapshotSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`The saved workflow version is malformed at ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

const SNAPSHOTS_KEPT = 128;
const snapshots = new Map<string, WorkflowSnapshot>();

/**
 * The snapshot of a saved version, parsed once per isolate: versions never change once saved, so intake
 * and the engine share it and neither reads nor parses the document again. `load` reads the document
 * (null when the version is missing) and is called only on a miss.
 */
export async function snapshotOf(
  workflowId: string,
  version: number,
  load: () => Promise<unknown>,
): Promise<WorkflowSnapshot | null> {
  const key = `${workflowId}:${version}`;
  const cached = snapshots.get(key);
  if (cached) return cached;
  const document = await load();
  if (document === null || document === undefined) return null;
  const snapshot = parseSnapshot(document);
  if (snapshots.size >= SNAPSHOTS_KEPT) snapshots.delete(snapshots.keys().next().value!);
  snapshots.set(key, snapshot);
  return snapshot;
}

/** Whether the snapshot is in this isolate's cache (intake then skips reading the document). */
export function hasSnapshot(workflowId: string, version: number): boolean {
  return snapshots.has(`${workflowId}:${version}`);
}
