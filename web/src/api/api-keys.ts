/** Personal API keys: the key itself comes back once, from create. */
import { api } from "./client";
import type { Page } from "./types";

export interface ApiKey {
  id: string;
  name: string;
  /** The key's first characters, to recognise it in the list. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
  createdAt: string;
}

export const apiKeysApi = {
  list: (cursor?: string, signal?: AbortSignal) =>
    api.get<Page<ApiKey>>("/api/api-keys", { query: { cursor, limit: 50 }, signal }),
  create: (name: string) => api.post<CreatedApiKey>("/api/api-keys", { name }),
  revoke: (id: string) => api.delete(`/api/api-keys/${encodeURIComponent(id)}`),
};
