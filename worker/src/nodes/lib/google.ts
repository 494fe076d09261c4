/**
 * What the Google connectors (googleSheets, gmail) share: the access token of an `oauth2` credential
 * connected with the `google` preset, and Google's error body turned into a message a workflow author can
 * act on (which scope is missing, when to press Connect again).
 */
import { z } from "zod";
import type { NodeRunContext } from "../node-type";
import { readCredential } from "./credential";

const googleAccountCredential = z.object({
  accessToken: z.string().min(1),
  apiBaseUrl: z.string().url().optional(),
});

/** The connected account's access token (refreshed by the engine before the step) and any API base URL. */
export function googleAccount(
  credential: NodeRunContext<unknown>["credential"],
  service: string,
): { token: string; apiBaseUrl?: string } {
  const { accessToken, apiBaseUrl } = readCredential(
    credential,
    googleAccountCredential,
    service,
    "a connected Google account (an oauth2 credential with the google preset; press Connect)",
  );
  return { token: accessToken, apiBaseUrl };
}

/**
 * Google APIs answer `{ error: { code, message, status, details: [{ reason }] } }`. The message stays
 * Google's; a missing scope (`ACCESS_TOKEN_SCOPE_INSUFFICIENT`) names the scope the node needs, and an
 * expired or revoked grant (`UNAUTHENTICATED`) says to connect again. `describe` adds the node's own
 * reading of a message (a sheet that does not exist).
 */
export function googleErrorText(
  scope: string,
  describe?: (message: string) => string | undefined,
): (body: unknown) => string | undefined {
  return (body) => {
    const error = (body as { error?: unknown } | null)?.error;
    if (!error || typeof error !== "object") return undefined;
    const { message, status, details } = error as { message?: unknown; status?: unknown; details?: unknown };
    if (typeof message !== "string") return undefined;
    const reasons = Array.isArray(details)
      ? details.map((d) => (d as { reason?: unknown } | null)?.reason).filter((r) => typeof r === "string")
      : [];
    if (reasons.includes("ACCESS_TOKEN_SCOPE_INSUFFICIENT")) {
      return `${message} (the Google credential needs the scope ${scope}: add it to its scopes and press Connect again)`;
    }
    if (status === "UNAUTHENTICATED") return `${message} (press Connect again on the Google credential)`;
    return describe?.(message) ?? message;
  };
}
