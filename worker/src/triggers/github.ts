/**
 * GitHub webhook deliveries: what a call to a `githubTrigger` URL means. GitHub sends the event name in
 * `X-GitHub-Event`, a unique id per delivery in `X-GitHub-Delivery` (kept when a delivery is redelivered),
 * and `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body keyed with the webhook's secret>`.
 */
import { ApiError } from "../http/errors";
import { GITHUB_SIGNATURE_HEADER, verifySha256Signature } from "./signatures";

export interface GithubDelivery {
  event: string;
  delivery: string;
  payload: unknown;
}

export type GithubVerdict = { start: true; delivery: GithubDelivery } | { start: false; reason: string };

/** Throws 401 for a missing or wrong signature and 400 for a malformed delivery; nothing is started then. */
export async function readGithubDelivery(
  headers: Headers,
  rawBody: Uint8Array,
  secret: string,
  events: readonly string[],
): Promise<GithubVerdict> {
  // The signature comes first: nothing about an unsigned call is looked at, not even its event name.
  if (!(await verifySha256Signature(headers.get(GITHUB_SIGNATURE_HEADER), secret, rawBody))) {
    throw new ApiError(
      401,
      "invalid_signature",
      "Missing or wrong X-Hub-Signature-256 (sha256=<hex HMAC of the body with the webhook secret>)",
    );
  }
  const event = headers.get("x-github-event");
  const delivery = headers.get("x-github-delivery");
  if (!event || !delivery) {
    throw new ApiError(400, "invalid_body", "A GitHub delivery needs X-GitHub-Event and X-GitHub-Delivery");
  }
  const listed = events.includes(event) || (events.includes("*") && event !== "ping");
  if (!listed) return { start: false, reason: `event ${event} is not listed` };
  return { start: true, delivery: { event, delivery, payload: parsePayload(rawBody, headers) } };
}

/** GitHub sends JSON, or (content type "application/x-www-form-urlencoded") the JSON in a `payload` field. */
function parsePayload(rawBody: Uint8Array, headers: Headers): unknown {
  let text = new TextDecoder().decode(rawBody);
  if ((headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
    text = new URLSearchParams(text).get("payload") ?? "";
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "GitHub delivery payload is not valid JSON");
  }
}
