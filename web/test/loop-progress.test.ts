/**
 * A forEach run in the editor: the body node's badge counts elements live (`1 / 3` while later elements
 * still wait, failures in red), and its Output tab picks an element to show that element's status,
 * error, input and output; the execution page shows the same picker. The body waits for one event per
 * element, so each step of progress is driven by the test, not by timing. Screenshots in test-artifacts/.
 */
import { expect, it } from "vitest";
import { apiFetch } from "./support/accounts";
import { describeBrowser } from "./support/browser";
import { openNode, waitForStatus } from "./support/canvas";

const at = (x: number, y: number) => ({ x, y });

const LOOP = {
  name: "Each order",
  nodes: [
    { id: "t", type: "manualTrigger", name: "Start", position: at(0, 0), parameters: {} },
    {
      id: "l",
      type: "forEach",
      name: "Each",
      position: at(240, 0),
      parameters: { items: "{{ $json.rows }}", onItemError: "continue" },
    },
    {
      id: "g",
      type: "waitForEvent",
      name: "Gate",
      position: at(480, -80),
      parameters: { event: "go-{{ $item.index }}", timeoutSeconds: 600 },
    },
    {
      id: "c",
      type: "code",
      name: "Check",
      position: at(720, -80),
      parameters: {
        code: 'if ($json.refuse) throw new Error("order refused"); return { order: $item.value.order, ok: true };',
      },
    },
    {
      id: "z",
      type: "set",
      name: "After",
      position: at(480, 120),
      parameters: { fields: { count: "{{ $json.count }}", failed: "{{ $json.failed }}" } },
    },
  ],
  edges: [
    { id: "e1", source: "t", target: "l", sourceHandle: "main" },
    { id: "e2", source: "l", target: "g", sourceHandle: "item" },
    { id: "e3", source: "g", target: "c", sourceHandle: "main" },
    { id: "e4", source: "l", target: "z", sourceHandle: "done" },
  ],
};

describeBrowser("browser: loop progress", "Edsger Dijkstra", (b) => {
  it("counts elements live on the body node and picks an element in its panel and on the execution page", async () => {
    const { page, baseUrl } = b;
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", { method: "POST", body: LOOP });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);
    // The loop node draws its two outputs.
    for (const handle of ["item", "done"]) {
      await page.locator(`.react-flow__handle.source[data-nodeid="l"][data-handleid="${handle}"]`).waitFor();
    }

    const started = await apiFetch<{ executionId: string }>(page, `/api/workflows/${created.body.id}/run`, {
      method: "POST",
      body: { rows: [{ order: "A-1" }, { order: "B-2" }, { order: "C-3" }] },
    });
    expect(started.status).toBe(201);
    const executionId = started.body.executionId;
    const send = async (event: string, payload: unknown) => {
      // The element's wait may not have begun yet: the event is accepted once the run is waiting.
      await expect
        .poll(
          async () =>
            (
              await apiFetch(page, `/api/executions/${executionId}/events/${event}`, {
                method: "POST",
                body: payload,
              })
            ).status,
        )
        .toBe(202);
    };
    const badge = page.getByTestId("items-c");

    await send("go-0", { refuse: false });
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe("1 / 3");
    await expect.poll(() => badge.getAttribute("class")).not.toContain("has-failed");
    // Element 1 still waits: the loop is not done, After has not run.
    await expect.poll(() => page.getByTestId("node-z").getAttribute("data-status")).not.toBe("success");

    await send("go-1", { refuse: true });
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe("2 / 3 · 1 failed");
    await expect.poll(() => badge.getAttribute("class")).toContain("has-failed");
    await b.shot("editor-loop-progress-live.png");

    await send("go-2", { refuse: false });
    await waitForStatus(page, "z", "success");
    await expect.poll(() => badge.textContent()).toBe("3 / 3 · 1 failed");

    // The panel's Output tab: one element at a time, failures one click away.
    await openNode(page, "c");
    const panel = page.getByTestId("config-panel");
    await panel.getByRole("tab", { name: "Output" }).click();
    const records = panel.getByTestId("element-records");
    await expect
      .poll(() => records.locator(".element-progress").textContent())
      .toBe("3 / 3 elements, 1 failed");
    await expect.poll(() => records.textContent()).toContain("Output of element 0");
    await expect
      .poll(() => records.getByLabel("Output of element 0", { exact: true }).textContent())
      .toContain("A-1");

    await records.getByRole("button", { name: "#1" }).click();
    await expect.poll(() => records.locator(".form-error").textContent()).toContain("order refused");
    await expect.poll(() => records.locator(".status-badge").textContent()).toBe("error");
    await expect
      .poll(() => records.getByLabel("Input of element 1", { exact: true }).textContent())
      .toContain("refuse");

    await records.getByRole("button", { name: "›", exact: true }).click();
    await expect.poll(() => records.getByLabel("Element index").inputValue()).toBe("2");
    await expect.poll(() => records.textContent()).toContain("Output of element 2");
    await expect
      .poll(() => records.getByLabel("Output of element 2", { exact: true }).textContent())
      .toContain("C-3");
    await expect.poll(() => records.locator(".form-error").count()).toBe(0);
    await b.shot("editor-loop-element-picker.png");

    // The execution page lists the body node once, with the same picker.
    await page.goto(`${baseUrl}/executions/${executionId}`);
    await expect.poll(() => page.getByTestId("step-items-c").textContent()).toContain("3 / 3");
    // Only the step's own summary: once its element records have loaded, their JSON trees add
    // summaries of their own inside the (closed) details.
    await page.getByTestId("step-c").locator(":scope > summary").click();
    const onPage = page.getByTestId("step-c").getByTestId("element-records");
    await onPage.getByLabel("Element index").fill("1");
    await expect.poll(() => onPage.locator(".form-error").textContent()).toContain("order refused");
  });
});
