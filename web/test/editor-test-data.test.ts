/**
 * Testing from the canvas with data (issue "The editor"): any trigger runs with a realistic sample payload
 * that the person may edit first ("Run with sample data"), a payload of the wrong shape is explained by
 * field; a workflow without a manual trigger opens that dialog from Run; an expression's value is
 * previewed against the node's latest input while it is typed; the toolbar keeps one line at 1280 and
 * 1920 px, its less-used actions in a keyboard-driven "⋯" menu. Screenshots in test-artifacts/.
 */
import { expect, it } from "vitest";
import { apiFetch } from "./support/accounts";
import { describeBrowser } from "./support/browser";
import { openNode, waitForStatus } from "./support/canvas";

const ORDERS = {
  name: "Orders",
  nodes: [
    {
      id: "w",
      type: "webhookTrigger",
      name: "Order webhook",
      position: { x: 0, y: 0 },
      parameters: { method: "POST", respond: "immediately" },
    },
    {
      id: "n",
      type: "scheduleTrigger",
      name: "Nightly",
      position: { x: 0, y: 160 },
      parameters: { cron: "0 2 * * *", timezone: "UTC" },
    },
    {
      id: "s",
      type: "set",
      name: "Summary",
      position: { x: 280, y: 0 },
      parameters: { fields: { doubled: "{{ $json.body.total * 2 }}" } },
    },
  ],
  edges: [{ id: "e1", source: "w", target: "s", sourceHandle: "main" }],
};

type Execution = { id: string; mode: string; steps: { nodeId: string; output: unknown }[] };

describeBrowser("browser: editor test data", "Grace Hopper", (b) => {
  it("runs any trigger with its sample payload, edited first, and explains a payload of the wrong shape", async () => {
    const { page, baseUrl } = b;
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", { method: "POST", body: ORDERS });
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);

    // The webhook trigger's panel offers a run with data shaped like a real call.
    await openNode(page, "w");
    await page.getByRole("button", { name: "Run with sample data…" }).click();
    const dialog = page.getByRole("dialog", { name: "Run with sample data" });
    const payload = dialog.locator("textarea");
    const sample = JSON.parse(await payload.inputValue()) as { method: string; body: { total: number } };
    expect(sample).toMatchObject({ method: "POST", headers: expect.any(Object), query: expect.any(Object) });
    expect(sample.body.total).toBe(25);
    await b.shot("editor-run-sample-data.png");

    // Edited before running: the run uses the edited payload.
    sample.body.total = 40;
    await payload.fill(JSON.stringify(sample, null, 2));
    await dialog.getByRole("button", { name: "Run", exact: true }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await waitForStatus(page, "s", "success");
    const list = await apiFetch<{ items: { id: string }[] }>(
      page,
      `/api/executions?workflowId=${created.body.id}`,
    );
    const run = await apiFetch<Execution>(page, `/api/executions/${list.body.items[0].id}`);
    expect(run.body.mode).toBe("manual");
    expect(run.body.steps.find((s) => s.nodeId === "s")?.output).toEqual({ doubled: 80 });

    // No manual trigger: Run asks which trigger and what data. A schedule payload of the wrong shape
    // comes back with the field named, and nothing runs.
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "▶ Run" }).click();
    await dialog.waitFor();
    await dialog.getByLabel("Start at").selectOption({ label: "Nightly (Schedule)" });
    expect(JSON.parse(await payload.inputValue())).toEqual({
      scheduledFor: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      firedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    await payload.fill('{ "scheduledFor": "tomorrow" }');
    await dialog.getByRole("button", { name: "Run", exact: true }).click();
    const problems = dialog.getByRole("alert");
    await problems.filter({ hasText: "Nightly: Fired at is required" }).waitFor();
    await expect.poll(() => problems.textContent()).toContain("Scheduled for");
    await b.shot("editor-run-sample-data-refused.png");
    const after = await apiFetch<{ items: unknown[] }>(page, `/api/executions?workflowId=${created.body.id}`);
    expect(after.body.items).toHaveLength(1);

    // The webhook now also offers what it received in that run.
    await dialog.getByLabel("Start at").selectOption({ label: "Order webhook (Webhook)" });
    await dialog.getByRole("button", { name: "Last run's data" }).click();
    expect(JSON.parse(await payload.inputValue())).toMatchObject({ body: { total: 40 } });
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  it("previews an expression's value against the node's latest input while it is typed", async () => {
    const { page, baseUrl } = b;
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", {
      method: "POST",
      body: {
        name: "Preview",
        nodes: [
          { id: "t", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} },
          {
            id: "d",
            type: "set",
            name: "Double",
            position: { x: 280, y: 0 },
            parameters: { fields: { doubled: "{{ $json.n * 2 }}" } },
          },
          {
            // Beside Double, so "run to Double" leaves it out: it never calls its URL.
            id: "h",
            type: "httpRequest",
            name: "Post",
            position: { x: 280, y: 160 },
            parameters: {
              method: "POST",
              url: "http://127.0.0.1:9/not-called",
              body: { who: "{{ $json.who }}", n: "{{ $json.n * 2 }}", tags: ["x", "{{ $json.n }}"] },
            },
          },
        ],
        edges: [
          { id: "e1", source: "t", target: "d", sourceHandle: "main" },
          { id: "e2", source: "t", target: "h", sourceHandle: "main" },
        ],
      },
    });
    // Before any run only the syntax can be checked.
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);
    await openNode(page, "d");
    const preview = page.getByTestId("config-panel").getByTestId("expression-preview");
    await expect.poll(() => preview.getAttribute("data-kind")).toBe("noData");

    const started = await apiFetch<{ executionId: string }>(
      page,
      `/api/workflows/${created.body.id}/run?until=d`,
      { method: "POST", body: { n: 21, who: "Ada" } },
    );
    expect(started.status).toBe(201);
    await waitForStatus(page, "d", "success");
    await expect.poll(() => preview.textContent()).toBe("Result 42");

    const field = page.getByLabel("Fields value 1");
    await field.fill('Hello {{ $json.who }}, {{ $json.n * 3 }} and {{ $node("Start").n }}');
    await expect.poll(() => preview.textContent()).toBe("Result Hello Ada, 63 and 21");
    await b.shot("editor-expression-preview.png");

    await field.fill("{{ $json.n * }}");
    await expect.poll(() => preview.getAttribute("data-kind")).toBe("error");
    await expect.poll(() => preview.textContent()).toMatch(/^Expression error \{\{ \$json\.n \* \}\}: \S/);
    await b.shot("editor-expression-preview-error.png");

    await field.fill('{{ $node("Nope").x }}');
    await expect.poll(() => preview.textContent()).toContain("no finished node has that name");

    // A JSON body with expressions inside is previewed as the JSON a run would send, not as text.
    await openNode(page, "h");
    const body = page.getByTestId("config-panel").getByTestId("expression-preview-json");
    await expect
      .poll(() => body.textContent())
      .toBe(JSON.stringify({ who: "Ada", n: 42, tags: ["x", 21] }, null, 2));
    await body.scrollIntoViewIfNeeded();
    await b.shot("editor-expression-preview-json.png");
  });

  it("keeps the toolbar on one line at 1280 and 1920 px, less-used actions in a keyboard menu", async () => {
    const { page, baseUrl } = b;
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", {
      method: "POST",
      body: {
        name: "Invoice every paid order and tell the team about it",
        tags: ["billing", "team"],
        nodes: [{ id: "t", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} }],
        edges: [],
      },
    });
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);
    const toolbar = page.getByRole("toolbar", { name: "Workflow" });
    // The widest state: a run's status badge is shown too.
    await page.getByRole("button", { name: "▶ Run" }).click();
    await waitForStatus(page, "t", "success");
    await expect
      .poll(() => page.getByTestId("run-status").getAttribute("data-status"), { timeout: 30_000 })
      .toBe("success");

    const more = page.getByRole("button", { name: "More actions" });
    const menu = page.getByRole("menu", { name: "More actions" });
    const focusedName = () => page.evaluate(`document.activeElement?.textContent ?? ""`);
    const moreFocused = () =>
      page.evaluate(`document.activeElement?.getAttribute("aria-label") === "More actions"`);
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await b.shot(`editor-toolbar-${size.width}x${size.height}.png`);
      // One line: every item of the toolbar is centred on the same line.
      const middles = (await toolbar.evaluate(
        `Array.from(document.querySelector(".editor-toolbar").children, (c) => { const r = c.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })`,
      )) as number[];
      expect(Math.max(...middles) - Math.min(...middles), `toolbar wraps at ${size.width} px`).toBeLessThan(
        4,
      );
      const box = await toolbar.boundingBox();
      expect(box!.height).toBeLessThan(60);

      await more.focus();
      await page.keyboard.press("Enter");
      await menu.waitFor();
      await expect.poll(() => focusedName()).toContain("Executions");
      await b.shot(`editor-toolbar-menu-${size.width}x${size.height}.png`);
      await page.keyboard.press("Escape");
      await expect.poll(() => menu.count()).toBe(0);
      await expect.poll(() => moreFocused()).toBe(true);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // ↓ opens on the first item; the arrows move, Enter picks: History opens, focus is back on "⋯".
    await more.focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => focusedName()).toContain("History");
    await page.keyboard.press("Enter");
    await page.getByTestId("history-panel").waitFor();
    await expect.poll(() => moreFocused()).toBe(true);
    // ↑ opens on the last item (the shortcuts), and ↓ from there wraps to the first.
    await page.keyboard.press("ArrowUp");
    await expect.poll(() => focusedName()).toContain("Keyboard shortcuts");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => focusedName()).toContain("Executions");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await page.keyboard.press("Escape");
    // Executions goes to this workflow's runs.
    await more.click();
    await menu.getByRole("menuitem", { name: "Executions" }).click();
    await page.waitForURL(`${baseUrl}/executions?workflowId=${created.body.id}`);
  });
});
