/**
 * Issue 13: caps on live sockets. At most 20 open on one execution (or one workflow's room) and 40 per user
 * across rooms; over a cap the upgrade is 429 `too_many_sockets` with `Retry-After`, and closing a socket
 * frees its place. The per-user count lives in D1 leases that the room renews and that expire when a room
 * dies without closing its sockets.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runRoom } from "../src/realtime/publish";
import { LEASE_MS, MAX_SOCKETS_PER_ROOM, MAX_SOCKETS_PER_USER } from "../src/realtime/socket-leases";
import { getDb } from "../src/storage/db";
import { deleteExpiredSocketLeases } from "../src/storage/live-sockets";
import { createWorkflow, doc, runWorkflow, waitFor } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

async function upgrade(user: TestUser, path: string) {
  return user.fetch(path, { headers: { Upgrade: "websocket" } });
}

async function open(user: TestUser, path: string): Promise<WebSocket> {
  const res = await upgrade(user, path);
  if (res.status !== 101) throw new Error(`upgrade answered ${res.status}: ${await res.text()}`);
  res.webSocket!.accept();
  return res.webSocket!;
}

async function expectRefused(user: TestUser, path: string, scope: "room" | "user") {
  const res = await upgrade(user, path);
  expect(res.status).toBe(429);
  expect(res.headers.get("Retry-After")).toBe("10");
  const body = await res.json<{ error: { code: string; details: { scope: string; limit: number } } }>();
  expect(body.error.code).toBe("too_many_sockets");
  expect(body.error.details.scope).toBe(scope);
}

/** Retries an upgrade until the room has seen the close (a bounded number of tries, not a time). */
async function openAfterClose(user: TestUser, path: string): Promise<WebSocket> {
  for (let i = 0; i < 200; i++) {
    const res = await upgrade(user, path);
    if (res.status === 101) {
      res.webSocket!.accept();
      return res.webSocket!;
    }
    expect(res.status).toBe(429);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the closed socket's place was never freed");
}

const leasesOf = async (userId: string) =>
  (
    await env.DB.prepare("SELECT id, room, expires_at FROM live_socket WHERE user_id = ?")
      .bind(userId)
      .all<{ id: string; room: string; expires_at: number }>()
  ).results;

async function finishedRun(user: TestUser) {
  const workflowId = await createWorkflow(
    user,
    doc("Watched", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
  );
  const executionId = await runWorkflow(user, workflowId);
  expect((await waitFor(user, executionId)).status).toBe("success");
  return { workflowId, executionId };
}

describe("live socket caps", { timeout: 90_000 }, () => {
  it("20 per execution, 40 per user across rooms; a closed socket frees its place in both", async () => {
    const user = await signUp();
    const other = await signUp();
    const a = await finishedRun(user);
    const b = await finishedRun(user);
    const execA = `/api/executions/${a.executionId}/live`;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_ROOM; i++) sockets.push(await open(user, execA));
    await expectRefused(user, execA, "room");
    // Another room of the same user still has room, and so does another user.
    const rooms = [`/api/workflows/${a.workflowId}/live`, `/api/executions/${b.executionId}/live`];
    for (let i = 0; sockets.length < MAX_SOCKETS_PER_USER; i++) sockets.push(await open(user, rooms[i % 2]));
    expect((await leasesOf(user.userId)).length).toBe(MAX_SOCKETS_PER_USER);
    await expectRefused(user, `/api/workflows/${b.workflowId}/live`, "user");
    // A refusal holds nothing.
    expect((await leasesOf(user.userId)).length).toBe(MAX_SOCKETS_PER_USER);
    const stranger = await upgrade(other, execA);
    expect(stranger.status).toBe(404);

    sockets.shift()!.close(1000);
    sockets.push(await openAfterClose(user, execA));
    // At both caps again: the user's is checked first.
    await expectRefused(user, execA, "user");
    sockets.shift()!.close(1000);
    sockets.push(await openAfterClose(user, `/api/workflows/${b.workflowId}/live`));
    expect((await leasesOf(user.userId)).length).toBe(MAX_SOCKETS_PER_USER);
    for (const ws of sockets) ws.close(1000);
  });

  it("the room renews the leases of its open sockets; leases of a dead room expire and are pruned", async () => {
    const user = await signUp();
    const run = await finishedRun(user);
    const ws = await open(user, `/api/executions/${run.executionId}/live`);
    const [lease] = await leasesOf(user.userId);
    expect(lease.room).toBe(run.executionId);
    // As if the lease were about to run out: the room's alarm extends it by LEASE_MS.
    await env.DB.prepare("UPDATE live_socket SET expires_at = ? WHERE id = ?")
      .bind(Date.now() + 1000, lease.id)
      .run();
    expect(await runDurableObjectAlarm(runRoom(env, run.executionId))).toBe(true);
    const [renewed] = await leasesOf(user.userId);
    expect(renewed.expires_at).toBeGreaterThan(Date.now() + LEASE_MS / 2);

    // Leases a crashed room never released: expired, they no longer count and the cron prunes them.
    const dead = Array.from({ length: MAX_SOCKETS_PER_USER }, () =>
      env.DB.prepare("INSERT INTO live_socket (id, user_id, room, expires_at) VALUES (?, ?, 'gone', ?)").bind(
        crypto.randomUUID(),
        user.userId,
        Date.now() - 1,
      ),
    );
    await env.DB.batch(dead);
    const more = await open(user, `/api/workflows/${run.workflowId}/live`);
    expect(await deleteExpiredSocketLeases(getDb(env.DB))).toBe(MAX_SOCKETS_PER_USER);
    expect((await leasesOf(user.userId)).length).toBe(2);
    ws.close(1000);
    more.close(1000);
  });
});
