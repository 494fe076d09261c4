import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, signUp } from "./helpers";

describe("API keys", () => {
  it("creates a key shown once, stores only its hash, and authenticates with it", async () => {
    const user = await signUp();
    const res = await call("/api/api-keys", {
      method: "POST",
      headers: { cookie: user.cookie },
      json: { name: "CI" },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; name: string; key: string; createdAt: string };
    expect(created).toEqual({
      id: expect.any(String),
      name: "CI",
      key: expect.stringMatching(/^nb_[\w-]{43}$/),
      createdAt: expect.any(String),
    });

    const rows = await env.DB.prepare("SELECT * FROM api_key WHERE id = ?").bind(created.id).all();
    expect(JSON.stringify(rows.results)).not.toContain(created.key);

    const me = await call("/api/me", { headers: { authorization: `Bearer ${created.key}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(user.userId);
  });

  it("lists own keys with prefix and never the key", async () => {
    const user = await signUp();
    const other = await signUp();
    await user.fetch("/api/api-keys", { method: "POST", json: { name: "second" } });
    const res = await user.fetch("/api/api-keys");
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      items: { name: string; prefix: string }[];
      nextCursor: string | null;
    };
    expect(page.items.map((k) => k.name)).toEqual(["second", "tests"]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[1].prefix).toBe(user.apiKey.slice(0, 11));
    expect(JSON.stringify(page)).not.toContain(user.apiKey);
    expect(JSON.stringify(page)).not.toContain(other.apiKey.slice(0, 11));
  });

  it("pages with limit and nextCursor", async () => {
    const user = await signUp();
    for (const name of ["a", "b", "c"]) await user.fetch("/api/api-keys", { method: "POST", json: { name } });
    const first = (await (await user.fetch("/api/api-keys?limit=2")).json()) as {
      items: { name: string }[];
      nextCursor: string;
    };
    expect(first.items.map((k) => k.name)).toEqual(["c", "b"]);
    const second = (await (await user.fetch(`/api/api-keys?limit=2&cursor=${first.nextCursor}`)).json()) as {
      items: { name: string }[];
      nextCursor: string | null;
    };
    expect(second.items.map((k) => k.name)).toEqual(["a", "tests"]);
    expect(second.nextCursor).toBeNull();
    expect((await user.fetch("/api/api-keys?limit=500")).status).toBe(400);
    expect((await user.fetch("/api/api-keys?cursor=nonsense")).status).toBe(400);
  });

  it("revokes a key: it answers 401 afterwards", async () => {
    const user = await signUp();
    const created = (await (
      await user.fetch("/api/api-keys", { method: "POST", json: { name: "temp" } })
    ).json()) as { id: string; key: string };
    expect((await call("/api/me", { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(200);
    const del = await user.fetch(`/api/api-keys/${created.id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await call("/api/me", { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(401);
  });

  it("refuses an unknown key, a malformed header and an empty name", async () => {
    const user = await signUp();
    expect((await call("/api/me", { headers: { authorization: "Bearer nb_doesnotexist" } })).status).toBe(
      401,
    );
    expect((await call("/api/me", { headers: { authorization: "Basic abc" } })).status).toBe(401);
    const res = await user.fetch("/api/api-keys", { method: "POST", json: { name: "" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });

  it("isolates users: another user's key id answers 404 and stays usable", async () => {
    const owner = await signUp();
    const intruder = await signUp();
    const [ownerKey] = ((await (await owner.fetch("/api/api-keys")).json()) as { items: { id: string }[] })
      .items;
    const res = await intruder.fetch(`/api/api-keys/${ownerKey.id}`, { method: "DELETE" });
    expect(res.status).toBe(404);
    expect((await owner.fetch("/api/me")).status).toBe(200);
  });

  it("needs auth on every route", async () => {
    expect((await call("/api/api-keys")).status).toBe(401);
    expect((await call("/api/api-keys", { method: "POST", json: { name: "x" } })).status).toBe(401);
    expect((await call("/api/api-keys/whatever", { method: "DELETE" })).status).toBe(401);
  });
});

describe("requireUser without an ExecutionContext", () => {
  it("authenticates an API key when a sub-app is called with app.request", async () => {
    const { Hono } = await import("hono");
    const { requireUser } = await import("../src/http/require-user");
    const { env } = await import("cloudflare:workers");
    const user = await signUp();
    const app = new Hono<{ Bindings: Env; Variables: { userId: string } }>();
    app.get("/who", requireUser, (c) => c.text(c.var.userId));
    const res = await app.request("/who", { headers: { authorization: `Bearer ${user.apiKey}` } }, env);
    expect(await res.text()).toBe(user.userId);
  });
});
