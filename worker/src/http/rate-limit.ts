/**
 * Rate limits on the routes an attacker (or a runaway script) can hammer: sign-in, sign-up, API-key
 * creation, run starts and webhook intake. A limit is a fixed window per key in D1 (storage/rate-limits.ts),
 * counted per client IP and per account, so neither many accounts from one address nor many addresses
 * against one account get through. Over the limit the answer is 429 `rate_limited` with `Retry-After`.
 *
 * Values are in `RATE_LIMIT_RULES`; `RATE_LIMITS` (a JSON object in the environment, e.g.
 * `{"runStart":{"limit":1000}}`) overrides them per deployment. Documented in docs/security.md.
 */
import type { Context } from "hono";
import { z } from "zod";
import { getDb } from "../storage/db";
import { countHit, type WindowCount } from "../storage/rate-limits";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export const RATE_LIMIT_RULES = {
  /** Sign-in attempts from one IP address, and against one email address. */
  signInIp: { limit: 30, windowSeconds: 60 },
  signInAccount: { limit: 10, windowSeconds: 60 },
  /** Accounts created from one IP address, and attempts on one email address. */
  signUpIp: { limit: 20, windowSeconds: 600 },
  signUpAccount: { limit: 5, windowSeconds: 600 },
  /** API keys created by one user, and from one IP address. */
  apiKeyUser: { limit: 20, windowSeconds: 600 },
  apiKeyIp: { limit: 60, windowSeconds: 600 },
  /** Manual runs and retries one user starts through the API. */
  runStart: { limit: 120, windowSeconds: 60 },
  /** Calls to the webhook URLs of one user's workflows (live and test URLs together). */
  webhookIntake: { limit: 600, windowSeconds: 60 },
  /** The editor's expression previews (debounced while a person types). */
  expressionPreview: { limit: 300, windowSeconds: 60 },
} satisfies Record<string, RateRule>;

export type RateRuleName = keyof typeof RATE_LIMIT_RULES;

const overrides = z.record(
  z.string(),
  z.object({
    limit: z.number().int().positive().optional(),
    windowSeconds: z.number().int().positive().optional(),
  }),
);

function ruleFor(env: object, name: RateRuleName): RateRule {
  return { ...RATE_LIMIT_RULES[name], ...ruleOverride(env, name) };
}

/** The `RATE_LIMITS` entry for `name` (also the in-flight bounds of in-flight.ts), if the deployment set one. */
export function ruleOverride(
  env: object,
  name: string,
): { limit?: number; windowSeconds?: number } | undefined {
  const text = (env as { RATE_LIMITS?: unknown }).RATE_LIMITS;
  if (typeof text !== "string" || text === "") return undefined;
  return parsedOverrides(text)[name];
}

// The variable is fixed for a deployment, and every request asks for several rules: parsed once per text.
let lastOverrides: { text: string; rules: z.infer<typeof overrides> } | undefined;

function parsedOverrides(text: string): z.infer<typeof overrides> {
  if (lastOverrides?.text === text) return lastOverrides.rules;
  const parsed = overrides.safeParse(safeJson(text));
  if (!parsed.success) throw new Error("RATE_LIMITS is not a JSON object of { limit?, windowSeconds? }");
  lastOverrides = { text, rules: parsed.data };
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The caller's IP as Cloudflare (and wrangler dev) report it; null when the request did not say. */
export function clientIp(request: Request): string | null {
  return request.headers.get("cf-connecting-ip");
}

/**
 * Counts one hit for each `[rule, subject]` (a null subject is skipped: no IP known) and throws 429 with
 * `Retry-After` when any is over its limit. Every rule is counted, so a blocked caller keeps the window full.
 */
export async function enforceRateLimits(
  c: Context<AppEnv, any, any>,
  checks: [RateRuleName, string | null][],
): Promise<void> {
  const db = getDb(c.env.DB);
  const now = Date.now();
  const hits: [RateRuleName, WindowCount][] = [];
  for (const [name, subject] of checks) {
    if (subject === null) continue;
    hits.push([name, await countHit(db, `${name}:${subject}`, ruleWindowMs(c.env, name), now)]);
  }
  refuseOverLimit(c, hits, now);
}

/** A rule's window in ms (after `RATE_LIMITS` overrides), for a caller that counts the hit itself. */
export function ruleWindowMs(env: object, name: RateRuleName): number {
  return ruleFor(env, name).windowSeconds * 1000;
}

/**
 * Throws 429 with `Retry-After` when any counted hit is over its rule's limit (the longest wait wins).
 * Callers that count a hit inside another batch (webhook intake, storage/triggers.ts) decide here too.
 */
export function refuseOverLimit(
  c: Context<AppEnv, any, any>,
  hits: [RateRuleName, WindowCount][],
  now = Date.now(),
): void {
  let retryAfterMs = 0;
  let blocked: RateRuleName | null = null;
  for (const [name, hit] of hits) {
    const rule = ruleFor(c.env, name);
    if (hit.count > rule.limit && hit.resetAt - now > retryAfterMs) {
      retryAfterMs = hit.resetAt - now;
      blocked = name;
    }
  }
  if (blocked === null) return;
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  c.header("Retry-After", String(seconds));
  const rule = ruleFor(c.env, blocked);
  throw new ApiError(
    429,
    "rate_limited",
    `Too many requests (${describe(blocked)}: at most ${rule.limit} per ${rule.windowSeconds} s); retry in ${seconds} s`,
    { rule: blocked, retryAfterSeconds: seconds },
  );
}

function describe(name: RateRuleName): string {
  return {
    signInIp: "sign-in attempts from this address",
    signInAccount: "sign-in attempts for this account",
    signUpIp: "sign-ups from this address",
    signUpAccount: "sign-ups for this email",
    apiKeyUser: "API keys created by this user",
    apiKeyIp: "API keys created from this address",
    runStart: "runs started by this user",
    webhookIntake: "webhook calls to this user's workflows",
    expressionPreview: "expression previews by this user",
  }[name];
}
