import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("worker", () => {
  it("answers an unknown API path with the JSON error shape", async () => {
    const res = await exports.default.fetch("http://local.test/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route for GET /api/nope" } });
  });
});
