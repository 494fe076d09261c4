/**
 * Cloudflare Pages deployment (docs/deploy.md): Pages serves web/dist, and these Functions forward the
 * Worker's paths (/api/*, /webhooks/*, /webhooks-test/*) to the `nodebase` Worker over a service binding.
 * The browser stays same-origin, so the session cookie and the live WebSocket work unchanged.
 */

export interface PagesEnv {
  /** Service binding to the nodebase Worker (web/wrangler.toml). */
  NODEBASE: Fetcher;
}

/**
 * The request is passed on as it is (method, headers, body, cookies), and so is the Worker's answer —
 * including a `101 Switching Protocols` with its WebSocket for `/api/executions/:id/live`.
 */
export const forwardToWorker: PagesFunction<PagesEnv> = ({ request, env }) => env.NODEBASE.fetch(request);
