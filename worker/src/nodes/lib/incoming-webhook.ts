/** The `{ url }` credential that Slack and Discord incoming webhooks share. */
import { z } from "zod";
import type { NodeRunContext } from "../node-type";
import { readCredential } from "./credential";

const incomingWebhookCredential = z.object({ url: z.string().url() });

export function webhookUrlFrom(credential: NodeRunContext<unknown>["credential"], service: string) {
  return readCredential(credential, incomingWebhookCredential, service, "the incoming-webhook url").url;
}
