/**
 * How much of one isolate's thread one caller may hold at once. The D1 windows in rate-limit.ts bound how
 * many runs a user starts per minute; they do not bound a burst: 120 `POST /run` sent at the same moment
 * were all inside the window, and starting them together (a D1 insert, a run-gate call and a Workflow
 * instance each) kept the thread, and so every other user's request, busy for 2–3 s. Three bounds:
 * API requests per presented credential (checked before the credential is even looked up), run starts
 * per user, and webhook run starts per workflow owner. Beyond a bound the answer is at once the same
 * `429 rate_limited` (`Retry-After: 1`), so a burst costs its sender retries, not its neighbours latency.
 *
 * The counts live in the isolate's memory on purpose: what they protect is the isolate's thread, and a
 * count that needed D1 would itself be the work it is meant to bound. Only a run's start is held, not a
 * `lastNode` webhook's wait for the run's end (waiting costs the isolate nothing).
 *
 * Values in `IN_FLIGHT_LIMITS`; `RATE_LIMITS` overrides them like the windows
 * (`{"runStartInFlight":{"limit":16}}`). Documented in docs/security.md.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { ruleOverride } from "./rate-limit";

export const IN_FLIGHT_LIMITS = {
  /**
   * API requests made with one credential (API key or session) at once. Checked before the credential is
   * looked up, so a burst costs about a 404's work per refused request: 150 parallel list calls with one key
   * held another user's answers for 1.9 s. A browser opens at most 6 connections per host; the SPA never
   * comes near this.
   */
  apiRequestInFlight: 16,
  /** Manual runs and retries of one user being started at once (`POST /run`, `/retry`). */
  runStartInFlight: 8,
  /** Webhook calls to one user's workflows whose runs are being started at once. */
  webhookIntakeInFlight: 32,
} as const;

export type InFlightRule = keyof typeof IN_FLIGHT_LIMITS;

const inFlight = new Map<string, number>();

/** The number of starts `rule` is holding for `subject` now (0 when none): for tests. */
export function inFlightCount(rule: InFlightRule, subject: string): number {
  return inFlight.get(`${rule}:${subject}`) ?? 0;
}

/**
 * Takes one of `subject`'s slots under `rule`, or throws 429 when all are taken. The returned function
 * gives the slot back; call it exactly once (in a `finally`), it ignores a second call.
 */
export function takeInFlightSlot(
  c: Context<AppEnv, any, any>,
  rule: InFlightRule,
  subject: string,
): () => void {
  const key = `${rule}:${subject}`;
  const limit = ruleOverride(c.env, rule)?.limit ?? IN_FLIGHT_LIMITS[rule];
  const count = inFlight.get(key) ?? 0;
  if (count >= limit) {
    c.header("Retry-After", "1");
    throw new ApiError(
      429,
      "rate_limited",
      `Too many requests (${describe(rule)}: at most ${limit} at once); retry in 1 s`,
      { rule, retryAfterSeconds: 1 },
    );
  }
  inFlight.set(key, count + 1);
  let given = false;
  return () => {
    if (given) return;
    given = true;
    const left = (inFlight.get(key) ?? 1) - 1;
    if (left <= 0) inFlight.delete(key);
    else inFlight.set(key, left);
  };
}

/** Runs `work` holding one of `subject`'s slots under `rule` (429 at once when none is free). */
export async function withInFlightSlot<T>(
  c: Context<AppEnv, any, any>,
  rule: InFlightRule,
  subject: string,
  work: () => Promise<T>,
): Promise<T> {
  const release = takeInFlightSlot(c, rule, subject);
  try {
    return await work();
  } finally {
    release();
  }
}

/**
 * The credential a request presents (the bearer key, or the session cookie's token), unverified: only a
 * key for counting in memory, never stored or logged. Null when it presents none (sign-in, sign-up and
 * the public routes have limits of their own).
 */
function presentedCredential(request: Request): string | null {
  const authorization = request.headers.get("authorization");
  if (authorization) return `key:${authorization}`;
  const cookie = request.headers.get("cookie");
  if (!cookie) return null;
  const token = /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=([^;]+)/.exec(cookie)?.[1];
  return token ? `session:${token}` : null;
}

/** The routes that start runs (their handlers also bound them per user, after the lookup). */
const RUN_START_PATH = /^\/api\/(?:workflows\/[^/]+\/run|executions\/[^/]+\/retry)$/;

/**
 * Middleware: bounds the API requests in flight per presented credential (`apiRequestInFlight`), and the
 * run starts among them (`runStartInFlight`) the same way, so a burst of starts is refused before each
 * costs a credential lookup in D1.
 */
export const boundRequestsPerCredential = createMiddleware<AppEnv>(async (c, next) => {
  const credential = presentedCredential(c.req.raw);
  if (credential === null) return next();
  const startsRun = c.req.method === "POST" && RUN_START_PATH.test(c.req.path);
  await withInFlightSlot(c, "apiRequestInFlight", credential, () =>
    startsRun ? withInFlightSlot(c, "runStartInFlight", credential, next) : next(),
  );
});

function describe(rule: InFlightRule): string {
  return {
    apiRequestInFlight: "API requests with this credential",
    runStartInFlight: "runs this user is starting",
    webhookIntakeInFlight: "webhook runs being started for this user's workflows",
  }[rule];
}
