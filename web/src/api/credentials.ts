/** Credentials as the editor's picker sees them: names and types, never secret fields. */
import { api } from "./client";
import type { Page } from "./types";

export interface CredentialSummary {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
}

export const credentialsApi = {
  list: (type?: string, signal?: AbortSignal) =>
    api.get<Page<CredentialSummary>>("/api/credentials", { query: { type, limit: 200 }, signal }),
};
