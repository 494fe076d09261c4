/**
 * What an incoming call to a trigger URL means, per trigger kind: refuse it (an ApiError), acknowledge it
 * without a run (Stripe, GitHub: unlisted or already-seen event), or start a run with this payload. Pure of HTTP
 * framework code so each rule is easy to read next to the contract.
 */
import { ApiError } from "../http/errors";
import type { NodeType } from "../nodes/node-type";
import type { WebhookTarget } from "../storage/triggers";
import { readGithubDelivery } from "./github";
import { googleFormOutput } from "./google-form";
import { collect, parseBody, recordedHeaders } from "./request-body";
import type { ExecutionMode, TriggerServices } from "./services";
import { constantTimeEqual, verifyStripeSignature, verifyTimestampedSignature } from "./signatures";

export interface IncomingCall {
  request: Request;
  rawBody: Uint8Array;
  /** `/webhooks-test/…`: the saved draft runs even when the workflow is inactive. */
  test: boolean;
}

export type IntakeDecision =
  | {
      action: "start";
      mode: ExecutionMode;
      triggerData: unknown;
      respond: "immediately" | "lastNode" | "responseNode";
      /**
       * Stripe event id or GitHub delivery id this run claims, so a redelivery starts nothing. Timestamped
       * HMAC: the signature (`hmac:<hex>`), so a replay within the 5-minute window is refused.
       */
      claimKey?: string;
    }
  | { action: "acknowledge"; reason: string };

/** The HTTP method a trigger URL accepts: the webhook node's `method`; Stripe and Google Form always POST. */
export function acceptedMethod(kind: string, params: Record<string, unknown>): string {
  return kind === "webhook" ? String(params.method ?? "POST") : "POST";
}

export async function decideIntake(
  env: Env,
  services: TriggerServices,
  target: WebhookTarget,
  nodeType: NodeType,
  params: Record<string, unknown>,
  call: IncomingCall,
): Promise<IntakeDecision> {
  const credential = (acceptedTypes: readonly string[]) =>
    target.node.credentialId
      ? services.loadCredential(env, {
          userId: target.workflow.userId,
          credentialId: target.node.credentialId,
          acceptedTypes,
        })
      : Promise.resolve(null);

  switch (nodeType.trigger) {
    case "webhook": {
      // Fail closed: a webhook meant to be authenticated never turns public because its credential went away.
      if (params.authentication === "credential" && !target.node.credentialId) {
        throw notConfigured("Webhook requires authentication but has no webhookAuth credential");
      }
      const auth = await credential(["webhookAuth"]);
      const { redact, claimKey } = await checkWebhookAuth(auth?.data ?? null, call);
      const url = new URL(call.request.url);
      return {
        action: "start",
        mode: call.test ? "webhookTest" : "webhook",
        respond:
          params.respond === "lastNode" || params.respond === "responseNode" ? params.respond : "immediately",
        triggerData: {
          method: call.request.method,
          headers: recordedHeaders(call.request.headers, redact),
          query: collect(url.searchParams),
          body: await parseBody(call.rawBody, call.request.headers.get("content-type")),
        },
        claimKey,
      };
    }
    case "googleForm": {
      const secret = (await credential(["googleForm"]))?.data.secret;
      if (typeof secret !== "string") throw notConfigured("Google Form trigger has no googleForm credential");
      if (!constantTimeEqual(call.request.headers.get("x-nodebase-secret") ?? "", secret)) {
        throw new ApiError(401, "unauthorized", "Missing or wrong X-Nodebase-Secret");
      }
      const body = await parseBody(
        call.rawBody,
        call.request.headers.get("content-type") ?? "application/json",
      );
      return {
        action: "start",
        mode: "googleForm",
        respond: "immediately",
        triggerData: googleFormOutput(body),
      };
    }
    case "stripe": {
      const signingSecret = (await credential(["stripeWebhook"]))?.data.signingSecret;
      if (typeof signingSecret !== "string")
        throw notConfigured("Stripe trigger has no stripeWebhook credential");
      const rawText = new TextDecoder().decode(call.rawBody);
      const verdict = await verifyStripeSignature(
        call.request.headers.get("stripe-signature"),
        rawText,
        signingSecret,
      );
      if (!verdict.ok) throw new ApiError(400, "invalid_signature", verdict.message);
      const event = parseStripeEvent(rawText);
      const wanted = Array.isArray(params.events) ? (params.events as string[]) : [];
      // An empty list means every event type (documented in docs/webhooks.md).
      if (wanted.length > 0 && !wanted.includes(event.type)) {
        return { action: "acknowledge", reason: `event type ${event.type} is not listed` };
      }
      // One claim per event id for the live and the test URL together: an event id is one payment, and
      // running it once on each URL would act on it twice.
      const claimKey = `stripe:${event.id}`;
      return { action: "start", mode: "stripe", respond: "immediately", triggerData: event, claimKey };
    }
    case "github": {
      const secret = (await credential(["githubWebhook"]))?.data.secret;
      if (typeof secret !== "string") throw notConfigured("GitHub trigger has no githubWebhook credential");
      const events = Array.isArray(params.events) ? (params.events as string[]) : [];
      const verdict = await readGithubDelivery(call.request.headers, call.rawBody, secret, events);
      if (!verdict.start) return { action: "acknowledge", reason: verdict.reason };
      // Redeliveries keep their X-GitHub-Delivery id; test URL deliveries claim apart from live ones.
      const claimKey = `${call.test ? "github-test" : "github"}:${verdict.delivery.delivery}`;
      return {
        action: "start",
        mode: "github",
        respond: "immediately",
        triggerData: verdict.delivery,
        claimKey,
      };
    }
    default:
      throw new ApiError(404, "not_found", "Webhook not found");
  }
}

/**
 * webhookAuth in header mode (`{ header, value }`, the header must carry the value) or HMAC mode
 * (`{ hmacSecret }`, `X-Nodebase-Signature: sha256=<hex HMAC-SHA256 of the raw body>`). Returns the header
 * names whose values must not be recorded in the trigger payload.
 */
async function checkWebhookAuth(
  auth: Record<string, unknown> | null,
  call: IncomingCall,
): Promise<{ redact: string[]; claimKey?: string }> {
  if (!auth) return { redact: [] };
  if (typeof auth.hmacSecret === "string") {
    const verdict = await verifyTimestampedSignature(call.request.headers, auth.hmacSecret, call.rawBody);
    if (!verdict.ok) throw new ApiError(401, "unauthorized", verdict.message);
    return { redact: [], claimKey: verdict.timestamped ? `hmac:${verdict.signature}` : undefined };
  }
  if (typeof auth.header === "string" && typeof auth.value === "string") {
    if (!constantTimeEqual(call.request.headers.get(auth.header) ?? "", auth.value)) {
      throw new ApiError(401, "unauthorized", `Missing or wrong ${auth.header} header`);
    }
    return { redact: [auth.header] };
  }
  throw notConfigured("webhookAuth credential holds neither header+value nor hmacSecret");
}

function parseStripeEvent(rawText: string): { id: string; type: string } & Record<string, unknown> {
  let event: unknown;
  try {
    event = JSON.parse(rawText);
  } catch {
    throw new ApiError(400, "invalid_json", "Stripe event is not valid JSON");
  }
  const record = event as Record<string, unknown> | null;
  if (!record || typeof record.id !== "string" || typeof record.type !== "string") {
    throw new ApiError(400, "invalid_body", "Stripe event needs string fields id and type");
  }
  return record as { id: string; type: string } & Record<string, unknown>;
}

/** The workflow cannot check this call: the caller should retry later (Stripe does), once it is fixed. */
const notConfigured = (message: string) => new ApiError(503, "trigger_not_configured", message);
