/**
 * RunRoom: one Durable Object per execution (named by the execution id) that holds the run's live state
 * and fans changes out to every open editor over hibernating WebSockets. The same class, named
 * `workflow:<id>`, is a workflow's room: it follows that workflow's executions so an open editor can
 * jump to the newest one, whatever started it.
 *
 * The engine may publish the same event twice (Workflows replays `run()`, a step may retry), and events
 * can arrive late (a cancel races the last step). `publish` is therefore idempotent and monotonic: an
 * event that does not move a node or execution forward changes nothing and is not broadcast.
 */
import { DurableObject } from "cloudflare:workers";
import { getDb } from "../storage/db";
import { markWorkflowWatched } from "../storage/run-records";
import { releaseSocketLeases, renewSocketLeases } from "../storage/live-sockets";
import { isFinalStep, isFinishedExecution as isFinalExecution } from "../storage/statuses";
import { LEASE_MS, MAX_SOCKETS_PER_ROOM, leaseOf, type SocketAttachment } from "./socket-leases";
import {
  type ExecutionEvent,
  type LiveExecutionState,
  type LiveNodeState,
  type RunEnd,
  type RunEvent,
  type SnapshotMessage,
  type WorkflowSnapshotMessage,
} from "./events";
import {
  claimOutcome,
  type AnswerClaim,
  type RespondOutcome,
  type WebhookAnswer,
} from "../engine/webhook-answer";

/** What `awaitAnswer` resolves with: the node's answer, the run's end without one, or null (timed out). */
export type AwaitedAnswer = { answer: WebhookAnswer } | { end: RunEnd } | null;

interface RoomState {
  seq: number;
  execution: (LiveExecutionState & { at: number }) | null;
  nodes: Record<string, LiveNodeState & { at: number }>;
  /** Workflow rooms only: the last known status of recent executions, to drop repeats. */
  recent: Record<string, { status: string; at: number }>;
}

const EMPTY: RoomState = { seq: 0, execution: null, nodes: {}, recent: {} };
const RECENT_KEPT = 50;

/** How long a watch lasts in D1 after the room last renewed it (it renews at half that while sockets are open). */
export const WATCH_MS = 10 * 60_000;
/** How often an open room renews its watch and its sockets' leases. */
const RENEW_MS = Math.min(WATCH_MS, LEASE_MS) / 2;

export class RunRoom extends DurableObject<Env> {
  private state: RoomState = structuredClone(EMPTY);
  /** The end of the run with its result, in memory only (a result can be large; D1 holds the truth). */
  private end: RunEnd | null = null;
  private readonly waiters = new Set<(end: RunEnd | null) => void>();
  /** Which respondToWebhook node run answered, with its answer (kept in storage: replays ask again). */
  private answer: (AnswerClaim & { answer: WebhookAnswer }) | null = null;
  private readonly answerWaiters = new Set<(got: AwaitedAnswer) => void>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Reload after hibernation or eviction, before any message or RPC is handled.
    ctx.blockConcurrencyWhile(async () => {
      const meta = await ctx.storage.get<Omit<RoomState, "nodes">>("meta");
      const nodes = await ctx.storage.list<RoomState["nodes"][string]>({ prefix: "node:" });
      this.state = { ...structuredClone(EMPTY), ...meta, nodes: {} };
      for (const node of nodes.values()) this.state.nodes[node.nodeId] = node;
      this.answer = (await ctx.storage.get<RunRoom["answer"]>("answer")) ?? null;
    });
  }

  /** Applies events of this execution in order (one call for everything a step changed). */
  async publishMany(events: RunEvent[]): Promise<void> {
    for (const event of events) await this.publish(event);
  }

  /**
   * Resolves when the run ends (at once if it has), or with null after `timeoutMs`: a caller that answers
   * with the run's result (`respond: "lastNode"`) waits here instead of polling D1.
   */
  async awaitEnd(timeoutMs: number): Promise<RunEnd | null> {
    const ended = this.currentEnd();
    if (ended) return ended;
    return new Promise((resolve) => {
      const done = (end: RunEnd | null) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(end);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.waiters.add(done);
    });
  }

  /** The run's end if it has ended (its result only while this room holds it in memory). */
  private currentEnd(): RunEnd | null {
    if (this.end) return this.end;
    const execution = stripAt(this.state.execution);
    return execution && isFinalExecution(execution.status) ? { execution, result: null } : null;
  }

  /**
   * A respondToWebhook node run's answer (`respond: "responseNode"`). The first one wins and is kept
   * (durably, before anyone is told); the same node run asking again (a retried or replayed step) is told
   * it answered and sends nothing twice; any other is told who did. A waiting request gets it at once.
   */
  async respond(key: string, nodeName: string, answer: WebhookAnswer): Promise<RespondOutcome> {
    if (this.answer) return claimOutcome(this.answer, key);
    this.answer = { key, nodeName, answer };
    await this.ctx.storage.put("answer", this.answer);
    for (const waiter of [...this.answerWaiters]) waiter({ answer });
    return { answered: true };
  }

  /**
   * For a request waiting on a respondToWebhook node: its answer when one has run (at once if it has),
   * else the run's end when it ends without one, or null after `timeoutMs`.
   */
  async awaitAnswer(timeoutMs: number): Promise<AwaitedAnswer> {
    if (this.answer) return { answer: this.answer.answer };
    const ended = this.currentEnd();
    if (ended) return { end: ended };
    return new Promise((resolve) => {
      const done = (got: AwaitedAnswer) => {
        clearTimeout(timer);
        this.answerWaiters.delete(done);
        resolve(got);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.answerWaiters.add(done);
    });
  }

  /** Applies an event of this execution; broadcasts it if it moved the state forward. */
  async publish(event: RunEvent): Promise<boolean> {
    if (event.type === "execution" && isFinalExecution(event.execution.status)) this.ended(event);
    if (event.type === "node") {
      if (!this.applyNode(event.node, event.at)) return false;
      this.broadcast({ type: "node", seq: this.nextSeq(), executionId: event.executionId, ...event.node });
      this.save(event.node.nodeId);
    } else {
      if (!this.applyExecution(event.execution, event.at)) return false;
      this.broadcast({ type: "execution", seq: this.nextSeq(), ...event.execution });
      this.save();
    }
    return true;
  }

  private ended(event: Extract<RunEvent, { type: "execution" }>) {
    const cur = this.state.execution;
    // A run ends once: a later, different final status (a late engine write after a cancel) changes nothing.
    if (this.end || (cur && isFinalExecution(cur.status) && cur.status !== event.execution.status)) return;
    this.end = { execution: event.execution, result: event.result ?? null };
    for (const waiter of [...this.waiters]) waiter(this.end);
    // An answer already given is what its waiters got; this end is for those still without one.
    if (!this.answer) for (const waiter of [...this.answerWaiters]) waiter({ end: this.end });
  }

  /** Workflow room: an execution of this workflow started or changed. */
  async publishWorkflowExecution(event: ExecutionEvent): Promise<boolean> {
    const ex = event.execution;
    const seen = this.state.recent[ex.id];
    if (seen && !executionMovesForward(seen.status, seen.at, ex.status, event.at)) return false;
    this.state.recent[ex.id] = { status: ex.status, at: event.at };
    const ids = Object.keys(this.state.recent);
    if (ids.length > RECENT_KEPT) delete this.state.recent[ids[0]];
    const latest = this.state.execution;
    if (!latest || latest.id === ex.id || ex.createdAt >= latest.createdAt) {
      this.state.execution = { ...ex, at: event.at };
    }
    this.broadcast({ type: "execution", seq: this.nextSeq(), executionId: ex.id, ...ex });
    this.save();
    return true;
  }

  /**
   * Fills in what the room missed from the records in D1 (a publish that failed, a room created after
   * the run). Only adds unknown entries or moves an entry to a final status; never goes backwards.
   */
  async seed(execution: LiveExecutionState | null, nodes: LiveNodeState[]): Promise<void> {
    let changed = false;
    if (execution) {
      const cur = this.state.execution;
      const finalNow = isFinalExecution(execution.status) && (!cur || !isFinalExecution(cur.status));
      if (!cur || (cur.id === execution.id && finalNow)) {
        this.state.execution = { ...execution, at: cur?.at ?? 0 };
        changed = true;
      }
    }
    for (const n of nodes) {
      const cur = this.state.nodes[n.nodeId];
      if (!cur || (isFinalStep(n.status) && !isFinalStep(cur.status))) {
        this.state.nodes[n.nodeId] = { ...n, at: cur?.at ?? 0 };
        this.save(n.nodeId);
      }
    }
    if (changed) this.save();
  }

  /** WebSocket upgrade (the Worker authenticated the caller). `/workflow` serves a workflow room. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    // The cap on sockets per room (socket-leases.ts): refused before anything is accepted.
    if (this.ctx.getWebSockets().length >= MAX_SOCKETS_PER_ROOM) return new Response(null, { status: 429 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const url = new URL(request.url);
    const attachment: SocketAttachment = { lease: url.searchParams.get("lease") };
    server.serializeAttachment(attachment);
    const workflowId = url.searchParams.get("watch");
    if (workflowId) await this.ctx.storage.put("watch", workflowId);
    if ((workflowId || attachment.lease) && (await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + RENEW_MS);
    server.send(
      JSON.stringify(
        new URL(request.url).pathname === "/workflow" ? this.workflowSnapshot(request) : this.snapshot(),
      ),
    );
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    // Clients may ask for a fresh snapshot (e.g. after a gap in `seq`); anything else is ignored.
    if (message === "snapshot") ws.send(JSON.stringify(this.snapshot()));
  }

  /**
   * While sockets are open, renews what they hold in D1, at half the shorter of the two terms: the
   * workflow's watch (the engine publishes only while it lasts) and the users' socket leases
   * (socket-leases.ts). Re-armed as long as anyone is connected.
   */
  override async alarm() {
    if (this.ctx.getWebSockets().length === 0) return;
    const db = getDb(this.env.DB);
    const workflowId = await this.ctx.storage.get<string>("watch");
    if (workflowId) await markWorkflowWatched(db, workflowId, Date.now() + WATCH_MS);
    const leases = this.openLeases();
    if (leases.length > 0) await renewSocketLeases(db, leases, Date.now() + LEASE_MS);
    await this.ctx.storage.setAlarm(Date.now() + RENEW_MS);
  }

  private openLeases(): string[] {
    return this.ctx
      .getWebSockets()
      .map(leaseOf)
      .filter((lease) => lease !== null);
  }

  override async webSocketError(ws: WebSocket) {
    await this.releaseLease(ws);
  }

  private async releaseLease(ws: WebSocket) {
    const lease = leaseOf(ws);
    if (lease) await releaseSocketLeases(getDb(this.env.DB), [lease]);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string) {
    // The socket's place under the user's cap is free again.
    await this.releaseLease(ws);
    // 1005/1006 are reserved and may not be sent back.
    const echo = code === 1005 || code === 1006 ? 1000 : code;
    try {
      ws.close(echo, reason);
    } catch {
      // Already closed by the peer: nothing left to do.
    }
  }

  private snapshot(): SnapshotMessage {
    const nodes: Record<string, LiveNodeState> = {};
    for (const [id, { at: _at, ...node }] of Object.entries(this.state.nodes)) nodes[id] = node;
    return { type: "snapshot", seq: this.state.seq, execution: stripAt(this.state.execution), nodes };
  }

  private workflowSnapshot(request: Request): WorkflowSnapshotMessage {
    const workflowId = new URL(request.url).searchParams.get("workflowId") ?? "";
    return { type: "snapshot", seq: this.state.seq, workflowId, execution: stripAt(this.state.execution) };
  }

  private applyNode(node: LiveNodeState, at: number): boolean {
    const cur = this.state.nodes[node.nodeId];
    if (cur) {
      if (isFinalStep(cur.status)) return false;
      if (!isFinalStep(node.status) && compareProgress(node, at, cur, cur.at) <= 0) return false;
    }
    this.state.nodes[node.nodeId] = { ...node, at };
    return true;
  }

  private applyExecution(execution: LiveExecutionState, at: number): boolean {
    const cur = this.state.execution;
    if (cur && !executionMovesForward(cur.status, cur.at, execution.status, at)) return false;
    this.state.execution = { ...execution, at };
    return true;
  }

  private nextSeq(): number {
    return ++this.state.seq;
  }

  private broadcast(message: object) {
    const text = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch (err) {
        console.warn("run room: dropping a socket that cannot be written", err);
      }
    }
  }

  /**
   * Writes the room's counters and execution, plus one node when given: one key per node keeps each
   * write small however many nodes the workflow has. Not awaited on purpose: the output gate holds
   * replies until the write is durable.
   */
  private save(nodeId?: string) {
    const { nodes, ...meta } = this.state;
    const entries: Record<string, unknown> = { meta };
    if (nodeId !== undefined) entries[`node:${nodeId}`] = nodes[nodeId];
    void this.ctx.storage.put(entries);
  }
}

const STEP_RANK: Record<string, number> = { queued: 0, waiting: 1, running: 2 };

/** Orders two states of one node: by attempt, then phase (queued < waiting < running < final), then time. */
function compareProgress(a: LiveNodeState, aAt: number, b: LiveNodeState, bAt: number): number {
  const rank = (s: string) => STEP_RANK[s] ?? 3;
  return a.attempt - b.attempt || rank(a.status) - rank(b.status) || aAt - bAt;
}

/**
 * queued < running ⇄ waiting < final. Between running and waiting the later event wins; a repeat of the
 * current status, anything after a final status, or a step back to queued (a late "queued" publish from
 * startExecution racing the engine's "running") is dropped.
 */
function executionMovesForward(curStatus: string, curAt: number, status: string, at: number): boolean {
  if (isFinalExecution(curStatus) || status === curStatus) return false;
  const rank = (s: string) => (s === "queued" ? 0 : isFinalExecution(s) ? 2 : 1);
  if (rank(status) !== rank(curStatus)) return rank(status) > rank(curStatus);
  return at >= curAt;
}

function stripAt(execution: (LiveExecutionState & { at: number }) | null): LiveExecutionState | null {
  if (!execution) return null;
  const { at: _at, ...rest } = execution;
  return rest;
}
