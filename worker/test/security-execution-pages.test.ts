/**
 * Issue 13, storage bounds: `GET /api/executions/:id` answers with its steps in pages bounded by count and
 * by bytes (~4 MiB of recorded payload, at least one step), so a run that stored megabytes per node is
 * read in bounded answers; the pages together hold every step once, in the order they ran.
 */
import { describe, expect, it } from "vitest";
import { STEPS_PAGE_BYTES } from "../src/http/step-pages";
import { createWorkflow, doc, runWorkflow, waitFor, type ExecutionBody } from "./api-helpers-engine";
import { signUp, type TestUser } from "./helpers";

type Page = ExecutionBody & { stepsNextCursor: string | null };

async function page(user: TestUser, id: string, query = "") {
  const res = await user.fetch(`/api/executions/${id}${query}`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, body: JSON.parse(text) as Page };
}

async function allPages(user: TestUser, id: string, limit?: number) {
  const pages: { text: string; body: Page }[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams();
    if (cursor) params.set("stepsCursor", cursor);
    if (limit) params.set("stepsLimit", String(limit));
    const next = await page(user, id, params.size ? `?${params}` : "");
    pages.push(next);
    cursor = next.body.stepsNextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe("GET /api/executions/:id in bounded pages", { timeout: 60_000 }, () => {
  it("a run of five 800 KB nodes comes in pages of at most ~4 MiB, every step once, in order", async () => {
    const user = await signUp();
    const big = "{{ $pad('', 800000, 'x') }}";
    const ids = ["a", "b", "c", "d", "e"];
    const workflowId = await createWorkflow(
      user,
      doc(
        "Big",
        [
          { id: "t", type: "manualTrigger", name: "Start" },
          ...ids.map((id) => ({
            id,
            type: "set",
            name: id.toUpperCase(),
            parameters: { fields: { text: big } },
          })),
        ],
        ["t", ...ids].slice(1).map((id, i) => [i === 0 ? "t" : ids[i - 1], id] as [string, string]),
      ),
    );
    const executionId = await runWorkflow(user, workflowId);
    expect((await waitFor(user, executionId)).status).toBe("success");

    const pages = await allPages(user, executionId);
    // Each set node stores ~800 KB of output and (after the first) ~800 KB of input: Start, A (0.8 MB),
    // B and C (1.6 MB each) fill the first 4 MiB; D would pass it, so D and E come next.
    expect(pages.map((p) => p.body.steps.length)).toEqual([4, 2]);
    for (const p of pages) {
      expect(p.text.length).toBeLessThan(STEPS_PAGE_BYTES + 64 * 1024);
      expect(p.body.steps.length).toBeGreaterThanOrEqual(1);
      expect(p.body).toMatchObject({ id: executionId, status: "success" });
    }
    expect(pages.at(-1)!.body.stepsNextCursor).toBeNull();
    const steps = pages.flatMap((p) => p.body.steps);
    expect(steps.map((s) => s.nodeId)).toEqual(["t", ...ids]);
    expect((steps[3].output as { text: string }).text).toHaveLength(800000);

    // By count: one step per answer.
    const single = await allPages(user, executionId, 1);
    expect(single.map((p) => p.body.steps.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(single.flatMap((p) => p.body.steps.map((s) => s.nodeId))).toEqual(["t", ...ids]);
  });

  it("refuses a steps cursor it did not issue, and a limit out of range", async () => {
    const user = await signUp();
    const workflowId = await createWorkflow(
      user,
      doc("Small", [{ id: "t", type: "manualTrigger", name: "Start" }], []),
    );
    const executionId = await runWorkflow(user, workflowId);
    await waitFor(user, executionId);
    const bad = await user.fetch(`/api/executions/${executionId}?stepsCursor=nope`);
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { code: string } }>()).error.code).toBe("invalid_cursor");
    expect((await user.fetch(`/api/executions/${executionId}?stepsLimit=0`)).status).toBe(400);
    const small = await page(user, executionId);
    expect(small.body.steps).toHaveLength(1);
    expect(small.body.stepsNextCursor).toBeNull();
  });
});
