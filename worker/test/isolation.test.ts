/** Another user's ids answer 404 on every route, and nothing of theirs changes. */
import { describe, expect, it } from "vitest";
import { call, signUp } from "./helpers";
import { sampleDocument } from "./workflow-fixtures";

describe("cross-user isolation", () => {
  it("hides every workflow route from other users", async () => {
    const owner = await signUp();
    const intruder = await signUp();
    const wf = (await (
      await owner.fetch("/api/workflows", { method: "POST", json: sampleDocument("Private") })
    ).json()) as { id: string };
    const before = await (await owner.fetch(`/api/workflows/${wf.id}`)).text();

    const attempts: [string, string, unknown?][] = [
      ["GET", `/api/workflows/${wf.id}`],
      ["PUT", `/api/workflows/${wf.id}`, sampleDocument("Hijacked")],
      ["POST", `/api/workflows/${wf.id}/activate`],
      ["POST", `/api/workflows/${wf.id}/deactivate`],
      ["GET", `/api/workflows/${wf.id}/export`],
      ["DELETE", `/api/workflows/${wf.id}`],
    ];
    for (const [method, path, json] of attempts) {
      const res = await intruder.fetch(path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
    const list = (await (await intruder.fetch("/api/workflows")).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect(await (await owner.fetch(`/api/workflows/${wf.id}`)).text()).toBe(before);
  });

  it("needs auth on every workflow route", async () => {
    const routes: [string, string][] = [
      ["GET", "/api/workflows"],
      ["POST", "/api/workflows"],
      ["POST", "/api/workflows/import"],
      ["GET", "/api/workflows/x"],
      ["PUT", "/api/workflows/x"],
      ["DELETE", "/api/workflows/x"],
      ["POST", "/api/workflows/x/activate"],
      ["POST", "/api/workflows/x/deactivate"],
      ["GET", "/api/workflows/x/export"],
      ["GET", "/api/me"],
    ];
    for (const [method, path] of routes) {
      const res = await call(path, {
        method,
        json: method === "GET" || method === "DELETE" ? undefined : sampleDocument(),
      });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
});
