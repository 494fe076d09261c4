/**
 * The admission rule of a user's run gate (run-gate.ts), pure so it can be tested alone. A run holds a slot
 * from its admission to its end (waits included). It is admitted when both limits allow it:
 *
 *   - its workflow's `settings.maxConcurrency` (null: no limit): slots held by runs of that workflow;
 *   - the owner's cap on running executions (`MAX_RUNNING_PER_USER`): slots held by `capped` runs.
 *
 * Queued runs are looked at in arrival order; a run blocked by its workflow's limit does not block
 * another workflow's run behind it, but runs of one workflow always start in the order they arrived.
 */

export interface GateEntry {
  executionId: string;
  workflowId: string;
  /** The workflow's `settings.maxConcurrency` when the run was requested; null = no limit. */
  limit: number | null;
  /**
   * Counts toward the owner's cap. Sub-workflow runs do not: their parent holds a slot while it waits
   * for them, and a child queued behind its own parent's slot would wait for ever.
   */
  capped: boolean;
}

export interface GateState {
  /** Runs holding a slot, with the time they were admitted. */
  held: (GateEntry & { admittedAt: number })[];
  /** Runs waiting for a slot, in arrival order. */
  queue: (GateEntry & { queuedAt: number })[];
}

export function emptyGate(): GateState {
  return { held: [], queue: [] };
}

/**
 * Moves every queued run the limits now allow into `held` (in arrival order) and returns those runs.
 * `userCap` null means no per-user cap.
 */
export function admitQueued(state: GateState, userCap: number | null, now: number): GateEntry[] {
  const admitted: GateEntry[] = [];
  const waiting: GateState["queue"] = [];
  let cappedHeld = state.held.filter((h) => h.capped).length;
  const perWorkflow = new Map<string, number>();
  for (const h of state.held) perWorkflow.set(h.workflowId, (perWorkflow.get(h.workflowId) ?? 0) + 1);
  for (const entry of state.queue) {
    const ofWorkflow = perWorkflow.get(entry.workflowId) ?? 0;
    const workflowFull = entry.limit !== null && ofWorkflow >= entry.limit;
    const userFull = entry.capped && userCap !== null && cappedHeld >= userCap;
    // A run of a workflow whose earlier run still waits stays behind it (arrival order per workflow).
    const behindSameWorkflow = waiting.some((w) => w.workflowId === entry.workflowId);
    if (workflowFull || userFull || behindSameWorkflow) {
      waiting.push(entry);
      continue;
    }
    const { queuedAt: _queuedAt, ...plain } = entry;
    state.held.push({ ...plain, admittedAt: now });
    perWorkflow.set(entry.workflowId, ofWorkflow + 1);
    if (entry.capped) cappedHeld++;
    admitted.push(plain);
  }
  state.queue = waiting;
  return admitted;
}

/** Where a run stands in the gate. */
export function placeOf(state: GateState, executionId: string): "held" | "queued" | "unknown" {
  if (state.held.some((h) => h.executionId === executionId)) return "held";
  if (state.queue.some((q) => q.executionId === executionId)) return "queued";
  return "unknown";
}

/** Drops a run from the gate: frees its slot if it held one, or its place in the queue. */
export function dropRun(state: GateState, executionId: string): "held" | "queued" | "unknown" {
  const place = placeOf(state, executionId);
  state.held = state.held.filter((h) => h.executionId !== executionId);
  state.queue = state.queue.filter((q) => q.executionId !== executionId);
  return place;
}
