/**
 * The Worker's entry: HTTP (API, webhooks; the SPA is served as static assets), the cron handler,
 * and the classes Cloudflare instantiates by name from wrangler.toml.
 */
import { createApp } from "./http/app";

export { RunWorkflow } from "./engine/run-workflow";
export { RunRoom } from "./realtime/run-room";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
