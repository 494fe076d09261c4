/**
 * One request of the supervisor's front proxy (dev-supervisor.mjs) forwarded to the local runtime.
 * `port` is the Worker's own runtime when it was found (runtime-port.mjs: wrangler's proxy hop skipped),
 * with wrangler's port as `fallbackPort`. A refused connection there (wrangler restarting the runtime
 * after a file change) delivered nothing, so the request goes again, body and all, to the fallback, whose
 * proxy holds it until the reload is done. Bodies past RESEND_BODY_BYTES are not kept: such a request
 * answers 502 instead.
 */
import { request as httpRequest } from "node:http";

export const RESEND_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Calls `finish()` once the answer is sent or the request is abandoned (possibly more than once), and
 * `onRefused()` when `port` refused the connection and the request went to `fallbackPort` instead.
 */
export function forwardRequest(req, res, { agent, port, fallbackPort = null, finish, onRefused = () => {} }) {
  res.on("close", finish);
  if (fallbackPort === null) return send(req, res, port, req, { agent, finish });
  const body = [];
  let bodyBytes = 0;
  req.on("data", (chunk) => {
    bodyBytes += chunk.length;
    if (bodyBytes <= RESEND_BODY_BYTES) body.push(chunk);
  });
  const retry = (error) => {
    if (error.code !== "ECONNREFUSED" || res.headersSent || bodyBytes > RESEND_BODY_BYTES) return false;
    onRefused();
    const resend = () => send(req, res, fallbackPort, Buffer.concat(body), { agent, finish });
    if (req.readableEnded) resend();
    else {
      req.once("end", resend);
      req.resume(); // the failed forward unpiped it
    }
    return true;
  };
  send(req, res, port, req, { agent, finish, retry });
}

/** One forward to `port`; `body` is the request itself (piped) or a Buffer already read from it. */
function send(req, res, port, body, { agent, finish, retry = () => false }) {
  const up = httpRequest(
    { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers, agent },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.rawHeaders);
      upRes.pipe(res);
      upRes.on("end", finish);
      upRes.on("error", finish);
    },
  );
  up.on("error", (error) => {
    if (retry(error)) return;
    finish();
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "bad_gateway", message: error.message } }));
    } else res.destroy();
  });
  if (Buffer.isBuffer(body)) up.end(body);
  else body.pipe(up);
}
