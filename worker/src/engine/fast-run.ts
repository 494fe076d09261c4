/**
 * `executionMode: "fast"`: the same engine (`executeRun`, graph-run.ts) on the in-process step runner
 * (in-process-steps.ts), inside the Worker invocation that started the run — no Workflow instance. The
 * execution row is recorded (`queued`) before any answer, as in durable mode; each step's records go to
 * D1 in that step's one batch, retries follow the node's policy in-process, live status is published only
 * while someone watches. A run of pure nodes writes its row with its first batch (first-write.ts): a
 * Webhook → Set run is then one batch with the insert, both records and the end.
 *
 * What it gives up: durability between steps. A crash mid-run loses the run's progress, not the run: its
 * row stays `queued`/`running` without an instance, and the reconciler hands it to the durable engine
 * (`resumeInDurableEngine`) once it is older than `FAST_HANDOFF_MS` (reconciler.ts), which runs it again from its start
 * (at-least-once; durable mode is exactly-once per step). Workflows that pause are refused at save
 * (fast-mode.ts).
 *
 * A caller that answers with the run's result (`respond: "lastNode"`) awaits the run's promise (returned
 * by `startExecution` as `fastEnd`), in the same request: no Durable Object, no polling. One that waits
 * for a respondToWebhook node (`respond: "responseNode"`) also awaits `fastAnswer`, which that node
 * resolves in-process the moment it runs, while the run goes on under `keepAlive`.
 */
import { executeRun, type RunOutcome } from "./run-workflow";
import { errorMessage } from "./node-errors";
import type { FirstWrite } from "./first-write";
import { inProcessSteps } from "./in-process-steps";
import type { RunParams } from "./run-ticket";
import type { RunFailure } from "./graph-run";
import type { ExecutionStatus } from "../storage/schema";
import type { Responder, WebhookAnswer } from "./webhook-answer";

/**
 * Starts the run at once and returns its end; `keepAlive` (the invocation's `waitUntil`) keeps the
 * invocation open until the run ends, after an early answer too (`respond: "immediately"`).
 */
export function startFastRun(
  env: Env,
  params: RunParams,
  keepAlive: (p: Promise<unknown>) => void,
  /**
   * `firstWrite` (first-write.ts); `respond`: the in-process answer channel of a caller waiting for a
   * respondToWebhook node (webhook-answer.ts).
   */
  options: { firstWrite?: FirstWrite; respond?: Responder } = {},
): Promise<RunOutcome> {
  const run = executeRun(env, params, inProcessSteps(), options).catch((err): RunOutcome => {
    // The engine records a node's failure itself; reaching here means a record could not be written.
    // The row is then left unfinished, and the reconciler hands it to the durable engine.
    const message = errorMessage(err);
    console.error(`fast run ${params.executionId}: stopped before recording its end: ${message}`);
    return { status: "error", result: { lastNode: null }, failure: { message } };
  });
  void run.then((end) =>
    options.firstWrite?.close(new Error(end.failure?.message ?? "the run wrote nothing")),
  );
  keepAlive(run);
  return run;
}

type FastFinished = { status: ExecutionStatus; output: unknown; error: RunFailure | null };

/**
 * A fast run's answer for `respond: "lastNode"`: its end within `timeoutMs`, or null (the caller then
 * answers 202 with the execution id, as for a durable run still going).
 */
export async function fastRunAnswer(
  end: Promise<RunOutcome>,
  timeoutMs: number,
): Promise<FastFinished | null> {
  const got = await withTimeout(
    end.then((outcome) => finishedOf(outcome)),
    timeoutMs,
  );
  return got ?? null;
}

/**
 * `respond: "responseNode"`: the first respondToWebhook node's answer (resolved in-process the moment it
 * runs), else the run's end, within `timeoutMs`; null when neither came (the caller answers 202).
 */
export async function fastRunResponse(
  answered: Promise<WebhookAnswer>,
  end: Promise<RunOutcome>,
  timeoutMs: number,
): Promise<{ answer: WebhookAnswer } | { finished: FastFinished | null } | null> {
  // The answer comes first in the race: settled together, the node's answer wins over the end.
  return withTimeout(
    Promise.race([
      answered.then((answer) => ({ answer })),
      end.then((outcome) => ({ finished: finishedOf(outcome) })),
    ]),
    timeoutMs,
  );
}

function finishedOf(outcome: RunOutcome): FastFinished | null {
  if (outcome.status === "skipped") return null;
  return { status: outcome.status, output: outcome.result.lastNode?.output ?? null, error: outcome.failure };
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
