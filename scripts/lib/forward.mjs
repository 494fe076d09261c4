/**
 * One request of the supervisor's front proxy (dev-supervisor.mjs) forwarded to the local runtime.
 * `port` is the Worker's own runtime when it was found (runtime-port.mjs: wrangler's proxy hop skipped),
 * with wrangler's port as `fallbackPort`. A refused connection there (wrangler restarting the runtime
 * after a file change) delivered nothing, so the request goes again, body and all, to the fallback, whose
 * proxy holds it until the reload is done. Bodies past RESEND_BODY_BYTES are not kept: such a request
 * answers 502 instead.
 *
 * Under load the local runtime sometimes resets every connection it holds at once (measured: 9–10 of
 * ~700 durable webhook calls at 10 at a time, docs/benchmarks.md). A GET or HEAD cut that way, before any
 * answer, is sent once more on a new connection, as wrangler's own proxy does: reading twice changes
 * nothing. Any other method answers 502: the Worker may have acted on it before the reset, and only the
 * sender can tell whether to repeat it.
 */
import { request as httpRequest } from "node:http";

export const RESEND_BODY_BYTES = 8 * 1024 * 1024;
const READ_ONLY_METHODS = new Set(["GET", "HEAD"]);

/**
 * Calls `finish()` once the answer is sent or the request is abandoned (possibly more than once), and
 * `onRefused()` when `port` refused the connection and the request went to `fallbackPort` instead.
 */
export function forwardRequest(req, res, { agent, port, fallbackPort = null, finish, onRefused = () => {} }) {
  res.on("close", finish);
  const readOnly = READ_ONLY_METHODS.has(req.method);
  if (fallbackPort === null && !readOnly) return send(req, res, port, req, { agent, finish });
  const body = [];
  let bodyBytes = 0;
  req.on("data", (chunk) => {
    bodyBytes += chunk.length;
    if (bodyBytes <= RESEND_BODY_BYTES) body.push(chunk);
  });
  /** Sends the buffered request to `toPort` once it has been read to its end. */
  const resend = (toPort, options) => {
    const go = () => send(req, res, toPort, Buffer.concat(body), { finish, ...options });
    if (req.readableEnded) go();
    else {
      req.once("end", go);
      req.resume(); // the failed forward unpiped it
    }
  };
  const resendable = (error, code) =>
    error.code === code && !res.headersSent && bodyBytes <= RESEND_BODY_BYTES;
  const toFallback = (error) => {
    if (fallbackPort === null || !resendable(error, "ECONNREFUSED")) return false;
    onRefused();
    resend(fallbackPort, { agent });
    return true;
  };
  let readAgain = readOnly;
  const retry = (error) => {
    if (toFallback(error)) return true;
    if (!readAgain || !resendable(error, "ECONNRESET")) return false;
    readAgain = false;
    // A new connection: the pool's other sockets were likely cut by the same reset.
    resend(port, { agent: false, retry: toFallback });
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
      const message = `the local runtime did not answer (${error.message})`;
      res.end(JSON.stringify({ error: { code: "bad_gateway", message } }));
    } else res.destroy();
  });
  if (Buffer.isBuffer(body)) up.end(body);
  else body.pipe(up);
}
