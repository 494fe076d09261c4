/**
 * `GET /__engine/backlog`, for the local supervisor only (scripts/lib/dev-supervisor.mjs): how many
 * executions are unfinished, by status. Before it restarts `wrangler dev` the supervisor holds new
 * requests and waits for this number to fall, so the restart cuts (almost) no run: every run cut by a
 * restart sits dormant, keeping its run-gate slot, until the reconciler wakes it, and meanwhile every new
 * run queues behind it with its own instance open (docs/engine.md#the-supervised-local-runtime).
 *
 * Unauthenticated on purpose (the supervisor has no session) and so answered only where `NODEBASE_ENV`
 * is `development`, as the reconciler's local waking is: anywhere else it is an unknown route. It names
 * no user, workflow or execution, only three counts of the whole local database.
 */
import { Hono } from "hono";
import { countUnfinishedExecutions } from "../storage/reconcile";
import { getDb } from "../storage/db";
import type { AppEnv } from "./context";
import { errorBody } from "./errors";

export const engineBacklogApp = new Hono<AppEnv>();

engineBacklogApp.get("/__engine/backlog", async (c) => {
  if (c.env.NODEBASE_ENV !== "development") {
    return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404);
  }
  const counts = await countUnfinishedExecutions(getDb(c.env.DB));
  return c.json({ ...counts, unfinished: counts.queued + counts.running + counts.waiting });
});
