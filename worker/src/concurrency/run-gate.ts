/**
 * RunGate: one Durable Object per user (named `user:<id>`) that holds that user's execution slots and
 * the ordered queue of runs waiting for one (rule: gate-queue.ts). Its state lives in the object's
 * storage, so a restart loses neither slots nor queue.
 *
 *   enqueue(entry)   a run asks for a slot: "admitted" or "queued" (asking again is harmless)
 *   release(id)      a run ended (or was canceled): frees its slot or its place; admits the next runs
 *                    and sends each admitted instance the event "admitted" (admission.ts waits for it)
 *   alarm()          every 30 s while anything is held or queued: checks every entry against D1 and
 *                    drops those whose execution has ended (a crash that skipped `release` leaks no
 *                    slot), and re-sends "admitted" to runs admitted a while ago that still sit queued
 *                    (a lost event never strands a run).
 */
import { DurableObject } from "cloudflare:workers";
import { getDb } from "../storage/db";
import { listExecutionStatuses } from "../storage/run-gate";
import { isFinishedExecution } from "../storage/statuses";
import { admitQueued, dropRun, emptyGate, placeOf, type GateEntry, type GateState } from "./gate-queue";

/** The event a queued run's instance waits for. */
export const ADMITTED_EVENT = "admitted";
const CHECK_EVERY_MS = 30_000;
/** A run admitted this long ago whose row is still `queued` is sent its event again. */
const RESEND_AFTER_MS = 20_000;
/** An entry whose execution has no record this long after it arrived is dropped (the insert failed). */
const MISSING_AFTER_MS = 60_000;

export class RunGate extends DurableObject<Env> {
  private state: GateState = emptyGate();
  /** The cap the last caller passed (the Worker's `MAX_RUNNING_PER_USER`), used when a release admits. */
  private userCap: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<GateState>("state")) ?? emptyGate();
      this.userCap = (await ctx.storage.get<number | null>("userCap")) ?? null;
    });
  }

  /** Asks for a slot for a run. Idempotent: a run already held or queued keeps its place. */
  async enqueue(entry: GateEntry, userCap: number | null): Promise<"admitted" | "queued"> {
    this.userCap = userCap;
    const place = placeOf(this.state, entry.executionId);
    if (place === "held") return "admitted";
    if (place === "unknown") this.state.queue.push({ ...entry, queuedAt: Date.now() });
    const admitted = admitQueued(this.state, userCap, Date.now());
    await this.save();
    // Runs other than this one admitted now (a cap was raised) are told at once.
    await this.tell(admitted.filter((a) => a.executionId !== entry.executionId));
    return placeOf(this.state, entry.executionId) === "held" ? "admitted" : "queued";
  }

  /** The run ended: frees what it held (a slot, or its place in the queue, or nothing). */
  async release(executionId: string): Promise<void> {
    if (dropRun(this.state, executionId) === "unknown") return;
    const admitted = admitQueued(this.state, this.userCap, Date.now());
    await this.save();
    await this.tell(admitted);
  }

  /** What the gate holds (tests and diagnostics). */
  async inspect(): Promise<{ running: string[]; queued: string[] }> {
    return {
      running: this.state.held.map((h) => h.executionId),
      queued: this.state.queue.map((q) => q.executionId),
    };
  }

  override async alarm(): Promise<void> {
    const ids = [...this.state.held, ...this.state.queue].map((e) => e.executionId);
    const statuses = await listExecutionStatuses(getDb(this.env.DB), ids);
    const now = Date.now();
    const since = new Map<string, number>();
    for (const h of this.state.held) since.set(h.executionId, h.admittedAt);
    for (const q of this.state.queue) since.set(q.executionId, q.queuedAt);
    const ended = (id: string) => {
      const status = statuses.get(id);
      // A young entry may be asked for just before its record is inserted (startExecution).
      if (status === undefined) return now - (since.get(id) ?? 0) > MISSING_AFTER_MS;
      return isFinishedExecution(status);
    };
    const stale = this.state.held.filter(
      (h) =>
        !ended(h.executionId) &&
        statuses.get(h.executionId) === "queued" &&
        now - h.admittedAt > RESEND_AFTER_MS,
    );
    for (const id of ids.filter(ended)) dropRun(this.state, id);
    const admitted = admitQueued(this.state, this.userCap, now);
    // The alarm that is running counts as set: arm the next one here.
    await this.save(true);
    await this.tell([...stale, ...admitted]);
  }

  private async save(rearm = false) {
    await this.ctx.storage.put({ state: this.state, userCap: this.userCap });
    const busy = this.state.held.length > 0 || this.state.queue.length > 0;
    if (busy && (rearm || (await this.ctx.storage.getAlarm()) === null)) {
      await this.ctx.storage.setAlarm(Date.now() + CHECK_EVERY_MS);
    }
  }

  /**
   * Sends "admitted" to each run's instance. An instance that does not exist yet needs no event: its first
   * step asks the gate and finds itself admitted. Any other failure is retried by the alarm.
   */
  private async tell(entries: GateEntry[]) {
    await Promise.all(
      entries.map(async (entry) => {
        try {
          const instance = await this.env.RUN_WORKFLOW.get(entry.executionId);
          await instance.sendEvent({ type: ADMITTED_EVENT, payload: { at: Date.now() } });
        } catch (err) {
          console.warn("run gate: could not tell a run it was admitted", entry.executionId, String(err));
        }
      }),
    );
  }
}
