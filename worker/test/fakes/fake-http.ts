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
  /** Keep the answer back until `release()`. */
  hold?: boolean;
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
      return (await this.state()).requests;
    },
    /** What the session saw: requests, answers held back now, requests in flight now and at most at once. */
    async state(): Promise<{
      requests: RecordedRequest[];
      held: number;
      inFlight: number;
      maxInFlight: number;
    }> {
      return (await fetch(`${root}/__fake/sessions/${id}`)).json();
    },
    /** Sends `count` held answers (all of them when omitted), oldest first. */
    async release(count?: number): Promise<number> {
      const res = await fetch(`${root}/__fake/sessions/${id}/release`, {
        method: "POST",
        body: JSON.stringify(count === undefined ? {} : { count }),
      });
      return ((await res.json()) as { released: number }).released;
    },
  };
}
