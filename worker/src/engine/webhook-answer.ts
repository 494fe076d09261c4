/**
 * The answer a `respondToWebhook` node hands to the webhook call its run was started by (trigger
 * `respond: "responseNode"`), and the two ways it travels: through the run's room (a durable run: the
 * intake's request waits on `RunRoom.awaitAnswer`, the node's step calls `RunRoom.respond`) or in-process
 * (a fast run: the intake awaits a promise in the same invocation). No D1 polling either way.
 *
 * The first node to answer wins, per run: the room (or the in-process channel) keeps the key of the node
 * run that answered, so a retried or replayed step of that same node is told "answered" again and sends
 * nothing twice, while any other respondToWebhook node (another branch, a later loop element) is told
 * who answered and passes through.
 */

/** What goes back to the caller; the HTTP layer adds its security headers (http/webhook-answers.ts). */
export interface WebhookAnswer {
  status: number;
  /** Lower-case names; `content-type` is set by the node when there is a body. */
  headers: Record<string, string>;
  /** The body as sent, or null for none. */
  body: string | null;
}

/** What `respond` tells the node. */
export type RespondOutcome =
  | { answered: true }
  | {
      answered: false;
      /** Why it did not answer, for its step record. */
      reason: string;
    };

/** Sends a node run's answer; `key` names the node run (node id, plus the loop element's path). */
export type Responder = (key: string, nodeName: string, answer: WebhookAnswer) => Promise<RespondOutcome>;

/** The claim a run's room (or in-process channel) keeps: which node run answered. */
export interface AnswerClaim {
  key: string;
  nodeName: string;
}

/** The first-answer rule, shared by the room and the in-process channel. */
export function claimOutcome(claim: AnswerClaim, key: string): RespondOutcome {
  return claim.key === key
    ? { answered: true }
    : { answered: false, reason: `the webhook call was already answered by node "${claim.nodeName}"` };
}

/** Said by the node when no caller waits for an answer (manual runs, other respond modes, schedules…). */
export const NOBODY_WAITS =
  'nobody waits for this answer: the run was not started by a webhook call with respond "responseNode"';

/**
 * A fast run's channel: `respond` resolves `answered` with the first answer; the intake races it against
 * the run's end (fast-run.ts).
 */
export function inProcessAnswer(): { respond: Responder; answered: Promise<WebhookAnswer> } {
  let claim: AnswerClaim | null = null;
  let resolve!: (answer: WebhookAnswer) => void;
  const answered = new Promise<WebhookAnswer>((r) => (resolve = r));
  return {
    answered,
    async respond(key, nodeName, answer) {
      if (claim) return claimOutcome(claim, key);
      claim = { key, nodeName };
      resolve(answer);
      return { answered: true };
    },
  };
}

/** The largest answer body: it is held in the run's room until the waiting request takes it. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** A node run's `ctx.respond`: keyed by the node and, in a loop body, the element's path. */
export function nodeResponder(
  respond: Responder | undefined,
  node: { id: string; name: string },
  elementPath?: string,
): ((answer: WebhookAnswer) => Promise<RespondOutcome>) | undefined {
  if (!respond) return undefined;
  const key = elementPath ? `${node.id}@${elementPath}` : node.id;
  return (answer) => respond(key, node.name, answer);
}
