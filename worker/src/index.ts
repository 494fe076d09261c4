/**
 * The Worker's entry: HTTP (API, webhooks; the SPA is served as static assets), the cron handler,
 * and the classes Cloudflare instantiates by name from wrangler.toml.
 */
import { createScheduledHandler } from "./cron/scheduled";
import { createFetch } from "./http/app";
import { realTriggerServices } from "./triggers/real-services";

export { RunWorkflow } from "./engine/run-workflow";
export { RunRoom } from "./realtime/run-room";
export { RunGate } from "./concurrency/run-gate";

export default {
  fetch: createFetch(),
  // Every minute (wrangler.toml [triggers]); starts the schedules that are due.
  scheduled: createScheduledHandler(realTriggerServices),
} satisfies ExportedHandler<Env>;
