/**
 * Node types (`GET /api/node-types`): the palette and every configuration form come from this list, so a
 * new node type on the server needs no change here. Fetched once per page load and shared.
 */
import { api } from "./client";
import type { JsonSchema } from "../editor/json-schema";

export interface NodeTypeInfo {
  type: string;
  title: string;
  description?: string;
  category: string;
  icon?: string;
  version: number;
  /** JSON Schema of the parameters (made from the node type's zod schema). */
  parameters: JsonSchema;
  /** One credential type, or several a node accepts (httpRequest takes any `http*Auth` or `oauth2`). */
  credentialType?: string | string[] | null;
  credentialTypes?: string[] | null;
  credentialRequired?: boolean;
  /** Fixed output handles; absent or empty when they depend on the parameters (`dynamicOutputs`). */
  outputs?: string[] | null;
  dynamicOutputs?: unknown;
  /** Set on trigger nodes ("manual", "webhook", "schedule", ...). */
  trigger?: string | null;
  /** Triggers: a realistic sample of what the trigger outputs ("Run with sample data" starts from it). */
  samplePayload?: unknown;
}

let cached: Promise<NodeTypeInfo[]> | null = null;

export const nodeTypesApi = {
  list(options: { quietUnauthorized?: boolean } = {}): Promise<NodeTypeInfo[]> {
    cached ??= api.get<{ items: NodeTypeInfo[] }>("/api/node-types", options).then(
      (page) => page.items,
      (error: unknown) => {
        cached = null; // a failure is not remembered: the next caller asks again
        throw error;
      },
    );
    return cached;
  },
};

/** Credential types a node accepts, whatever form the server gave them in. */
export function acceptedCredentialTypes(info: NodeTypeInfo | undefined): string[] {
  if (!info) return [];
  if (Array.isArray(info.credentialTypes)) return info.credentialTypes;
  if (Array.isArray(info.credentialType)) return info.credentialType;
  return info.credentialType ? [info.credentialType] : [];
}

/** Trigger types that are called over HTTP and get a server-assigned `webhookId`. */
export function hasWebhookUrl(info: NodeTypeInfo | undefined): boolean {
  return ["webhook", "stripe", "googleForm", "github"].includes(info?.trigger ?? "");
}
