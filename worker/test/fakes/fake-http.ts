/**
 * Client for the fake HTTP server started by `fake-http.global.ts`, used from tests inside workerd.
 *
 * @example
 * const fake = await fakeSession([{ status: 200, body: { ok: true } }]);
 * await node.run({ ...ctx, credential: { type: "openai", data: { apiKey: "k", baseUrl: fake.baseUrl } } });
 * expect(await fake.requests()).toEqual([...]);
 */
import { inject } from "vitest";

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as text/plain; anything else as JSON; absent = empty body. */
  body?: unknown;
}
export interface RecordedRequest {
  method: string;
  /** Path below the session's base URL, with the query string. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export async function fakeSession(responses: FakeResponse[]) {
  const root = inject("fakeHttpUrl");
  const res = await fetch(`${root}/__fake/sessions`, { method: "POST", body: JSON.stringify({ responses }) });
  const { id } = (await res.json()) as { id: string };
  return {
    baseUrl: `${root}/s/${id}`,
    async requests(): Promise<RecordedRequest[]> {
      const answer = await fetch(`${root}/__fake/sessions/${id}`);
      return ((await answer.json()) as { requests: RecordedRequest[] }).requests;
    },
  };
}
