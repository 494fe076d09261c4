/**
 * Starting the editor's requests early: the route's loader (run on link hover and on navigation, while
 * the editor's chunk is still downloading) asks for the workflow and the node types, and the editor page
 * uses the answer instead of asking again. An answer that arrived more than a few seconds ago is not
 * used; one still on its way always is (asking again would only race it with a slower duplicate, as
 * happened on a loaded machine, where the first answer took longer than the few seconds).
 */
import { api } from "./client";
import { nodeTypesApi } from "./node-types";
import type { Workflow } from "./types";

const FRESH_MS = 5_000;
/** `answeredAt` is null while the request is in flight. */
const pending = new Map<string, { answeredAt: number | null; promise: Promise<Workflow> }>();

const isFresh = (entry: { answeredAt: number | null }) =>
  entry.answeredAt === null || Date.now() - entry.answeredAt <= FRESH_MS;

/**
 * `quiet`: started before the session is known (a deep link, see deep-link.ts), so a 401 is not reported
 * to `onUnauthorized`; the session guard sends a signed-out visitor to sign in by itself.
 */
export function prefetchEditor(workflowId: string, { quiet = false } = {}) {
  const existing = pending.get(workflowId);
  if (!existing || !isFresh(existing)) {
    const promise = api.get<Workflow>(`/api/workflows/${encodeURIComponent(workflowId)}`, {
      quietUnauthorized: quiet,
    });
    const entry = { answeredAt: null as number | null, promise };
    pending.set(workflowId, entry);
    promise.then(
      () => (entry.answeredAt = Date.now()),
      // A failure is asked again by the page itself.
      () => pending.get(workflowId) === entry && pending.delete(workflowId),
    );
  }
  nodeTypesApi.list({ quietUnauthorized: quiet }).catch(() => undefined);
}

/**
 * The prefetched workflow if it is fresh, otherwise null. Kept, not used up: React's StrictMode runs the
 * page's effect twice in development, and the second run must find it too; a write forgets it.
 */
export function prefetchedWorkflow(workflowId: string): Promise<Workflow> | null {
  const entry = pending.get(workflowId);
  return entry && isFresh(entry) ? entry.promise : null;
}

/** A write to the workflow makes a prefetched copy stale (workflows.ts calls this on every change). */
export function forgetPrefetchedWorkflow(workflowId: string) {
  pending.delete(workflowId);
}
