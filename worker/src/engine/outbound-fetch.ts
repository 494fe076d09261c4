/**
 * The `fetch` nodes get as `ctx.fetch`. In production it refuses to talk to private networks (SSRF,
 * the rule in net/private-host.ts) and any scheme other than http(s). Redirects are followed by hand so
 * every hop is checked, not only the first URL.
 *
 * In development (`NODEBASE_ENV` other than "production") private targets are allowed so tests and local
 * fakes on 127.0.0.1 work; only the scheme is still checked.
 */

import { privateHostReason } from "../net/private-host";

export { privateHostReason };

const MAX_REDIRECTS = 5;

export class OutboundRequestRefused extends Error {
  constructor(url: string, reason: string) {
    super(`Outbound request to ${url} refused: ${reason}`);
    this.name = "OutboundRequestRefused";
  }
}

/** `send` is the network fetch underneath (the platform's; tests pass a fake to play remote servers). */
export function createOutboundFetch(
  env: { NODEBASE_ENV?: string },
  send: typeof fetch = fetch,
): typeof fetch {
  const production = env.NODEBASE_ENV === "production";
  const outboundFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    checkTarget(request.url, production);
    if (!production || request.redirect !== "follow") return send(request);
    return followCheckedRedirects(request, send);
  };
  return outboundFetch as typeof fetch;
}

/** Follows redirects one hop at a time, checking each target, as `fetch` would with `redirect: "follow"`. */
async function followCheckedRedirects(first: Request, send: typeof fetch): Promise<Response> {
  const body = first.method === "GET" || first.method === "HEAD" ? undefined : await first.arrayBuffer();
  const headers = new Headers(first.headers);
  let url = first.url;
  let method = first.method;
  let sendBody = body;
  for (let hop = 0; ; hop++) {
    const response = await send(url, {
      method,
      headers,
      body: sendBody,
      redirect: "manual",
      signal: first.signal,
    });
    const location = response.headers.get("location");
    if (![301, 302, 303, 307, 308].includes(response.status) || location === null) return response;
    if (hop === MAX_REDIRECTS) throw new OutboundRequestRefused(url, `more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url).toString();
    checkTarget(next, true);
    // As the Fetch standard does: credentials never follow a redirect to another origin…
    if (new URL(next).origin !== new URL(url).origin) {
      for (const name of ["authorization", "cookie", "proxy-authorization"]) headers.delete(name);
    }
    // …and 303 (or 301/302 after a POST) continues as a GET without a body.
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === "POST")
    ) {
      method = method === "HEAD" ? "HEAD" : "GET";
      sendBody = undefined;
      for (const name of [
        "content-type",
        "content-length",
        "content-encoding",
        "content-language",
        "content-location",
      ]) {
        headers.delete(name);
      }
    }
    url = next;
  }
}

function checkTarget(rawUrl: string, production: boolean): void {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundRequestRefused(rawUrl, "not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundRequestRefused(rawUrl, `only http and https are allowed, not ${url.protocol}`);
  }
  if (!production) return;
  const reason = privateHostReason(url.hostname);
  if (reason !== null) throw new OutboundRequestRefused(rawUrl, reason);
}
