/**
 * A fast run's execution row written with its first step instead of before it (fast-run.ts): the row's
 * insert rides at the front of the run's first D1 batch, so a Webhook → Set run costs one write in all,
 * and `startExecution` returns only once that batch has landed — the run is still recorded before any
 * answer. Until then the run has done nothing outside this invocation: it is used only for runs of pure
 * nodes (no side effect can come before the record), with no pins or reused steps (which the engine
 * would read back) and a trigger payload that rides in the ticket.
 *
 * A crash before the batch lands leaves no trace and gives the caller no answer (its connection fails),
 * exactly as if the request had never arrived.
 */
import type { BatchItem } from "drizzle-orm/batch";

export class FirstWrite {
  private pending: readonly BatchItem<"sqlite">[] | null;
  private settle!: { resolve: () => void; reject: (err: unknown) => void };
  /** Resolves once the row is in D1; rejects when the run ended without writing it. */
  readonly landed: Promise<void>;

  constructor(statements: readonly BatchItem<"sqlite">[]) {
    this.pending = statements;
    this.landed = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Awaited by startExecution; never an unhandled rejection when nobody else listens.
    this.landed.catch(() => {});
  }

  /** Statements for the next batch: the insert until a batch carrying it has succeeded. */
  take(): readonly BatchItem<"sqlite">[] {
    return this.pending ?? [];
  }

  /** The batch from `take` landed. */
  wrote() {
    if (!this.pending) return;
    this.pending = null;
    this.settle.resolve();
  }

  /** The run is over: if its row never landed, say so to whoever waits. */
  close(reason: unknown) {
    if (this.pending) this.settle.reject(reason);
  }
}
