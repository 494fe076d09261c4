/**
 * Live status of one run, published only while someone watches: the workflow's `liveUntil` (set by an
 * open editor or execution page, renewed by the room while its sockets stay open) is read back by every
 * D1 batch of the engine, so knowing costs no extra round trip, and an unwatched run makes no room call.
 * A caller waiting for the run's answer (`respond: "lastNode"`) gets the end through the room either way.
 *
 * A late joiner is seeded from D1 by the live endpoint; when a run turns watched mid-way, its next publish
 * also carries every node state this isolate knows, so the room catches up without a read.
 */
import type { LiveNodeState, RunEvent, RunResult } from "../realtime/events";
import { publishEvents, runRoom } from "../realtime/publish";
import type { ExecutionRow } from "../storage/executions";
import { toLiveExecution } from "./live-state";

export class RunLive {
  private room: ReturnType<typeof runRoom> | undefined;
  private readonly known = new Map<string, LiveNodeState>();
  private catchUp = false;
  private last: Promise<void> = Promise.resolve();
  /** Room calls made (counted by the budget test in worker/test/engine-budget.test.ts). */
  calls = 0;

  constructor(
    private readonly env: Env,
    private readonly executionId: string,
    private liveUntil: number | null,
    /** A caller waits for the end: signal it through the room even when nobody watches. */
    private readonly awaitEnd: boolean,
  ) {}

  watched(now = Date.now()): boolean {
    return this.liveUntil !== null && this.liveUntil > now;
  }

  /** The watch time a D1 batch read back. Turning watched makes the next publish catch the room up. */
  update(liveUntil: number | null) {
    if (!this.watched() && liveUntil !== null && liveUntil > Date.now()) this.catchUp = true;
    this.liveUntil = liveUntil;
  }

  /** Node states and (optionally) the execution row a step changed, in one room call if watched. */
  async publish(nodes: LiveNodeState[], row?: ExecutionRow | null, at = Date.now()) {
    for (const n of nodes) this.known.set(n.nodeId, n);
    if (!this.watched()) return;
    const states = this.catchUp ? [...this.known.values()] : nodes;
    this.catchUp = false;
    const events: RunEvent[] = states.map((node) => ({
      type: "node",
      executionId: this.executionId,
      node,
      at,
    }));
    if (row) events.push({ type: "execution", execution: toLiveExecution(row), at });
    await this.send(events, row !== undefined && row !== null);
  }

  /** The run's final row; with the answer for a waiting caller (sent even when nobody watches). */
  async end(nodes: LiveNodeState[], row: ExecutionRow | null, result: RunResult, at = Date.now()) {
    if (!row) return this.publish(nodes, null, at);
    if (this.watched()) {
      for (const n of nodes) this.known.set(n.nodeId, n);
      const states = this.catchUp ? [...this.known.values()] : nodes;
      const events: RunEvent[] = states.map((node) => ({
        type: "node",
        executionId: this.executionId,
        node,
        at,
      }));
      events.push({ type: "execution", execution: toLiveExecution(row), at, result });
      return this.send(events, true);
    }
    if (this.awaitEnd) {
      await this.send([{ type: "execution", execution: toLiveExecution(row), at, result }], false);
    }
  }

  /**
   * One publish at a time, in the order they were asked for: two calls on one stub are not delivered in
   * order (a node's "success" was seen to overtake its "running", which the room then dropped as a step
   * back), so a publish starts only when the one before it has been applied.
   */
  private send(events: RunEvent[], toWorkflowRoom: boolean): Promise<void> {
    const room = (this.room ??= runRoom(this.env, this.executionId));
    this.calls += 1 + (toWorkflowRoom ? events.filter((e) => e.type === "execution").length : 0);
    // publishEvents logs its own failures and never throws, so the chain never breaks.
    this.last = this.last.then(() => publishEvents(this.env, room, this.executionId, events, toWorkflowRoom));
    return this.last;
  }
}
