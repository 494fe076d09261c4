/** The `{ url }` credential that Slack and Discord incoming webhooks share. */
import { z } from "zod";

const incomingWebhookCredential = z.object({ url: z.string().url() });

export function webhookUrlFrom(
  credential: { type: string; data: Record<string, unknown> } | undefined,
  service: string,
) {
  if (!credential) throw new Error(`${service} needs a credential holding the incoming-webhook URL`);
  const parsed = incomingWebhookCredential.safeParse(credential.data);
  if (!parsed.success) throw new Error(`${service} credential must hold the incoming-webhook url`);
  return parsed.data.url;
}
