/** The credentials resource and the credential types (whose JSON Schemas drive the forms). */
import { api } from "./client";
import type { Page } from "./types";

export interface Credential {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
  /** Non-secret fields only: the server never returns secret ones. */
  data: Record<string, unknown>;
  /** oauth2 only: null until Connect succeeded. */
  connection?: { connectedAt: string; expiresAt: string | null; scope?: string } | null;
}

export interface JsonSchemaProperty {
  type?: string;
  /** The label to show, when the field name alone would read badly or clash. */
  title?: string;
  enum?: string[];
  format?: string;
  description?: string;
  default?: unknown;
  writeOnly?: boolean;
}

export interface CredentialType {
  type: string;
  title: string;
  description: string;
  schema: { properties?: Record<string, JsonSchemaProperty>; required?: string[] };
  secretFields: string[];
  oauth2: boolean;
  presets?: Record<string, { authUrl: string; tokenUrl: string; scopes: string }>;
}

/** The in-use refusal of DELETE: which workflows still use the credential. */
export interface InUseDetails {
  workflows: { id: string; name: string }[];
}

const path = (id: string) => `/api/credentials/${encodeURIComponent(id)}`;

export const credentialsApi = {
  types: (signal?: AbortSignal) => api.get<{ items: CredentialType[] }>("/api/credential-types", { signal }),
  list: (cursor?: string, signal?: AbortSignal) =>
    api.get<Page<Credential>>("/api/credentials", { query: { cursor, limit: 50 }, signal }),
  /** The credentials of one type (the editor's picker: one call per type a node accepts). */
  listOfType: (type: string, signal?: AbortSignal) =>
    api.get<Page<Credential>>("/api/credentials", { query: { type, limit: 200 }, signal }),
  create: (body: { name: string; type: string; data: Record<string, unknown> }) =>
    api.post<Credential>("/api/credentials", body),
  /** Secret fields sent empty keep their stored value. */
  update: (id: string, body: { name?: string; data?: Record<string, unknown> }) =>
    api.put<Credential>(path(id), body),
  remove: (id: string, force = false) => api.delete(path(id), force ? { query: { force: true } } : undefined),
  /** Where the browser goes to connect an oauth2 credential (a full-page navigation to the provider). */
  connectUrl: (id: string) => `/api/integrations/oauth2/${encodeURIComponent(id)}/connect`,
};
