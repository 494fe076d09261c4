import { Hono, type Context } from "hono";
import type { AppEnv } from "./context";
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import {
  boundRequestsPerCredential,
  IN_FLIGHT_LIMITS,
  inFlightCount,
  takeInFlightSlot,
  withInFlightSlot,
} from "./in-flight";

/** The two things the bound reads from a request's context: the env (overrides) and the header setter. */
function fakeContext(env: Record<string, string> = {}) {
  const headers: Record<string, string> = {};
  const c = { env, header: (name: string, value: string) => (headers[name] = value) };
  return { c: c as unknown as Context, headers };
}

describe("in-flight bound", () => {
  it("refuses the slot past the limit with 429 Retry-After 1, and frees it once per release", () => {
    const { c, headers } = fakeContext();
    const limit = IN_FLIGHT_LIMITS.runStartInFlight;
    const releases = Array.from({ length: limit }, () => takeInFlightSlot(c, "runStartInFlight", "u1"));
    expect(inFlightCount("runStartInFlight", "u1")).toBe(limit);
    expect(() => takeInFlightSlot(c, "runStartInFlight", "u1")).toThrow(ApiError);
    try {
      takeInFlightSlot(c, "runStartInFlight", "u1");
    } catch (error) {
      expect((error as ApiError).status).toBe(429);
      expect((error as ApiError).details).toEqual({ rule: "runStartInFlight", retryAfterSeconds: 1 });
    }
    expect(headers["Retry-After"]).toBe("1");
    // Another user, and the other rule, have slots of their own.
    takeInFlightSlot(c, "runStartInFlight", "u2")();
    takeInFlightSlot(c, "webhookIntakeInFlight", "u1")();
    // A second call of one release gives back nothing more.
    releases[0]();
    releases[0]();
    expect(inFlightCount("runStartInFlight", "u1")).toBe(limit - 1);
    const again = takeInFlightSlot(c, "runStartInFlight", "u1");
    expect(() => takeInFlightSlot(c, "runStartInFlight", "u1")).toThrow(ApiError);
    again();
    releases.slice(1).forEach((release) => release());
    expect(inFlightCount("runStartInFlight", "u1")).toBe(0);
  });

  it("takes its limit from RATE_LIMITS and gives the slot back when the work throws", async () => {
    const { c } = fakeContext({ RATE_LIMITS: JSON.stringify({ webhookIntakeInFlight: { limit: 1 } }) });
    const held = takeInFlightSlot(c, "webhookIntakeInFlight", "u3");
    await expect(withInFlightSlot(c, "webhookIntakeInFlight", "u3", async () => 1)).rejects.toThrow(
      /at most 1 at once/,
    );
    held();
    await expect(
      withInFlightSlot(c, "webhookIntakeInFlight", "u3", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(inFlightCount("webhookIntakeInFlight", "u3")).toBe(0);
  });
});

describe("API requests per presented credential", () => {
  /** An app whose one route holds its request until `open()`: the requests stay in flight meanwhile. */
  function holdingApp() {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const app = new Hono<AppEnv>();
    app.onError((error, c) =>
      error instanceof ApiError
        ? c.json({ rule: (error.details as { rule: string }).rule }, error.status)
        : c.text("?", 500),
    );
    app.use("/api/*", boundRequestsPerCredential);
    app.get("/api/hold", async (c) => {
      await gate;
      return c.text("ok");
    });
    app.post("/api/workflows/:id/run", async (c) => {
      await gate;
      return c.text("started");
    });
    return { app, open };
  }

  it("refuses the 17th request with one key while 16 are in flight; other keys, sessions and anonymous calls pass", async () => {
    const { app, open } = holdingApp();
    const get = (headers: Record<string, string>) => app.request("/api/hold", { headers }, {});
    const limit = IN_FLIGHT_LIMITS.apiRequestInFlight;
    const held = Array.from({ length: limit }, () => get({ authorization: "Bearer nb_one" }));
    const refused = await get({ authorization: "Bearer nb_one" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toEqual({ rule: "apiRequestInFlight" });
    // The session cookie counts by its token; other cookies around it do not matter.
    const sessions = Array.from({ length: limit }, (_, i) =>
      get({ cookie: `theme=${i}; better-auth.session_token=tok.sig` }),
    );
    expect((await get({ cookie: "better-auth.session_token=tok.sig; x=1" })).status).toBe(429);
    const others = [get({ authorization: "Bearer nb_two" }), get({}), get({ cookie: "theme=dark" })];
    open();
    for (const res of await Promise.all([...held, ...sessions, ...others])) expect(res.status).toBe(200);
    expect(inFlightCount("apiRequestInFlight", "key:Bearer nb_one")).toBe(0);
  });

  it("bounds run starts per credential before the lookup, leaving the key its other requests", async () => {
    const { app, open } = holdingApp();
    const key = { authorization: "Bearer nb_runs" };
    const run = () => app.request("/api/workflows/w1/run", { method: "POST", headers: key }, {});
    const held = Array.from({ length: IN_FLIGHT_LIMITS.runStartInFlight }, run);
    const refused = await run();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ rule: "runStartInFlight" });
    const list = app.request("/api/hold", { headers: key }, {});
    open();
    for (const res of await Promise.all([...held, list])) expect(res.status).toBe(200);
    expect(inFlightCount("runStartInFlight", "key:Bearer nb_runs")).toBe(0);
    expect(inFlightCount("apiRequestInFlight", "key:Bearer nb_runs")).toBe(0);
  });
});
