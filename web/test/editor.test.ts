/**
 * The editor in a real browser against `wrangler dev`: a person builds webhook → set → if → httpRequest
 * (+ a set on the false branch) by dragging from the palette, connecting handles and filling the generated
 * forms; saves; calls the webhook's test URL; watches every node's `data-status` change live; opens the
 * execution and sees the outputs. Also: a workflow created through the API opens with every node and
 * handle drawn and runs from the Run button. Screenshots go to test-artifacts/ (git-ignored).
 */
import { resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeBrowser } from "./support/browser";
import { connect, dragNodeFromPalette, openNode, waitForStatus } from "./support/canvas";
import { startEchoServer } from "./support/echo-server";

describeBrowser("browser: editor", "Grace Hopper", (b) => {
  const baseUrl = b.baseUrl;
  let page: Page;
  let context: BrowserContext;
  const shot = b.shot;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  beforeAll(async () => {
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await echo?.stop();
  });
  beforeEach(() => {
    page = b.page;
    context = b.context;
  });

  it("builds webhook → set → if → httpRequest by dragging, saves, runs from the test URL and watches it live", async () => {
    // An empty workflow (no nodes), made through the API so the canvas starts blank.
    const created = await page.evaluate(async () => {
      const res = await fetch("/api/workflows", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Double and post", nodes: [], edges: [] }),
      });
      return (await res.json()) as { id: string };
    });
    await page.goto(`${baseUrl}/workflows/${created.id}`);
    await page.getByRole("heading", { name: "How should this workflow start?" }).waitFor();

    const hook = await dragNodeFromPalette(page, "webhookTrigger", 120, 200, "Webhook");
    const set = await dragNodeFromPalette(page, "set", 360, 200, "Set");
    const check = await dragNodeFromPalette(page, "if", 600, 200, "If");
    const post = await dragNodeFromPalette(page, "httpRequest", 860, 120, "HTTP request");
    const other = await dragNodeFromPalette(page, "set", 860, 330, "Set 1");
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(5);

    await connect(page, hook, "main", set);
    await connect(page, set, "main", check);
    await connect(page, check, "true", post);
    await connect(page, check, "false", other);
    await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(4);
    await expect.poll(() => page.getByTestId("save-state").textContent()).toBe("Unsaved changes");

    // Saving without the request's URL: the server's 422 lands on that node and that field.
    await page.keyboard.press("Control+s");
    const urlError = page.locator('[data-field="parameters.url"] .field-error');
    await urlError.waitFor();
    await expect
      .poll(() => page.getByTestId("config-panel").getAttribute("aria-label"))
      .toBe("Configure HTTP request");
    await expect.poll(() => page.getByTestId(`node-${post}`).getAttribute("class")).toContain("has-problems");
    await expect.poll(() => page.getByTestId("save-state").textContent()).toBe("Unsaved changes");
    await shot("editor-validation-error.png");

    // Set: doubled = {{ $json.body.n * 2 }} (a record field of the generated form).
    await openNode(page, set);
    await page.getByRole("button", { name: "Add field" }).click();
    await page.getByLabel("Fields name 1").fill("doubled");
    await page.getByLabel("Fields value 1").fill("{{ $json.body.n * 2 }}");

    // If: the condition typed with the completion list ($js → Enter picks $json).
    await openNode(page, check);
    const condition = page.getByLabel("Condition");
    await condition.click();
    await condition.pressSequentially("{{ $js");
    await page.getByRole("listbox", { name: "Expression suggestions" }).waitFor();
    await condition.press("Enter");
    await condition.pressSequentially(".doubled > 10 }}");
    await expect.poll(() => condition.inputValue()).toBe("{{ $json.doubled > 10 }}");
    await expect.poll(() => page.locator(".expr-mark").count()).toBeGreaterThan(0);

    // HTTP request: POST the Set node's output to the echo server; $node("Set") is offered upstream.
    await openNode(page, post);
    await page.getByLabel("Method").selectOption("POST");
    await page.getByLabel("Url").fill(`${echo.url}/orders`);
    const body = page.getByLabel("Body", { exact: true });
    await body.click();
    await body.pressSequentially("{{ $no");
    // Earlier nodes are offered nearest first; typing narrows the list. Polled: the list first opens
    // on "$" (every variable) and narrows once the last keystroke has been handled (CI read it between).
    const options = page.getByRole("listbox", { name: "Expression suggestions" }).getByRole("option");
    await expect
      .poll(async () => (await options.allTextContents()).map((o) => o.split(")")[0] + ")"))
      .toEqual(['$node("If")', '$node("Set")', '$node("Webhook")']);
    await body.pressSequentially('de("S');
    await body.press("Enter");
    await body.pressSequentially(" }}");
    await expect.poll(() => body.inputValue()).toBe('{{ $node("Set") }}');

    await openNode(page, other);
    await page.getByRole("button", { name: "Add field" }).click();
    await page.getByLabel("Fields value 1").fill("small");
    await shot("editor-built.png");

    // Save with the keyboard: the webhook node gets its URLs.
    await page.keyboard.press("Control+s");
    await expect.poll(() => page.getByTestId("save-state").textContent()).toMatch(/^Saved/);
    await openNode(page, hook);
    const testUrl = await page.locator(".webhook-url-text").first().textContent();
    expect(testUrl).toMatch(new RegExp(`^${baseUrl}/webhooks-test/[\\w-]+$`));
    const stored = (await page.evaluate(
      async (id) => (await fetch(`/api/workflows/${id}`)).json(),
      created.id,
    )) as { edges: unknown[]; nodes: { id: string; parameters: unknown }[] };
    expect(stored.edges).toHaveLength(4);
    expect(stored.nodes.find((n) => n.id === check)?.parameters).toEqual({
      condition: "{{ $json.doubled > 10 }}",
    });
    await shot("editor-saved.png");

    // Someone calls the test URL: the open editor follows that run live.
    const answer = await fetch(testUrl!, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 21 }),
    });
    expect(answer.status).toBe(202);
    for (const id of [hook, set, check, post]) await waitForStatus(page, id, "success");
    await waitForStatus(page, other, "skipped");
    await expect.poll(() => page.getByTestId("run-status").getAttribute("data-status")).toBe("success");
    expect(echo.requests.at(-1)).toMatchObject({ method: "POST", url: "/orders", body: { doubled: 42 } });
    await shot("editor-run-live.png");

    // Activate: the production URL now runs it too.
    // The switch follows the server: it turns on once the activation is stored.
    await page.getByRole("switch").click();
    await page.getByText("Active", { exact: true }).waitFor();
    const activated = (await page.evaluate(
      async (id) => (await fetch(`/api/workflows/${id}`)).json(),
      created.id,
    )) as { active: boolean };
    expect(activated.active).toBe(true);

    // Clicking a node shows its input and output.
    await openNode(page, post);
    await page.getByRole("tab", { name: "Output" }).click();
    const runData = page.getByTestId("node-output");
    await expect.poll(() => runData.textContent()).toContain("/orders");
    await shot("editor-node-output.png");

    // The execution page: the graph that ran, coloured, and each step's output.
    await page.getByTestId("run-status").click();
    await page.waitForURL(/\/executions\/[\w-]+$/);
    await page.getByRole("heading", { name: /Double and post/ }).waitFor();
    await page.locator(`.execution-graph [data-testid="node-${post}"][data-status="success"]`).waitFor();
    expect(
      await page.locator(`.execution-graph [data-testid="node-${other}"]`).getAttribute("data-status"),
    ).toBe("skipped");
    const step = page.getByTestId(`step-${set}`);
    await step.locator(":scope > summary").click();
    await expect.poll(() => step.textContent()).toContain("42");
    await shot("execution-detail.png");

    // The executions list shows it, filtered by this workflow.
    await page.getByRole("link", { name: "Executions" }).first().click();
    await page.locator("table[aria-label=Executions] tbody tr").first().waitFor();
    await expect
      .poll(() => page.locator("table[aria-label=Executions] tbody tr").first().textContent())
      .toContain("Webhook");
    await shot("executions-list.png");
  });

  it("opens a workflow created through the API with every node and handle drawn, and runs it from the Run button", async () => {
    const created = await page.evaluate(async () => {
      const res = await fetch("/api/workflows", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: "Routed",
          nodes: [
            { id: "m", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} },
            {
              id: "sw",
              type: "switch",
              name: "Route",
              position: { x: 260, y: 0 },
              parameters: {
                rules: [
                  { when: "{{ $json.kind = 'a' }}", output: "alpha" },
                  { when: "{{ false }}", output: "beta" },
                ],
              },
            },
            {
              id: "a",
              type: "set",
              name: "Alpha",
              position: { x: 520, y: -80 },
              parameters: { fields: { got: "alpha" } },
            },
            { id: "b", type: "set", name: "Beta", position: { x: 520, y: 80 }, parameters: {} },
            { id: "f", type: "set", name: "Other", position: { x: 520, y: 240 }, parameters: {} },
          ],
          edges: [
            { id: "e1", source: "m", target: "sw" },
            { id: "e2", source: "sw", target: "a", sourceHandle: "alpha" },
            { id: "e3", source: "sw", target: "b", sourceHandle: "beta" },
            { id: "e4", source: "sw", target: "f", sourceHandle: "fallback" },
          ],
        }),
      });
      return (await res.json()) as { id: string };
    });
    await page.goto(`${baseUrl}/workflows/${created.id}`);
    for (const id of ["m", "sw", "a", "b", "f"]) await page.getByTestId(`node-${id}`).waitFor();
    await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(4);
    const handles = await page
      .locator('.react-flow__handle.source[data-nodeid="sw"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-handleid")));
    expect(handles).toEqual(["alpha", "beta", "fallback"]);

    // Run with input from the dialog.
    await page.getByRole("button", { name: "Run with input…" }).click();
    const dialog = page.getByRole("dialog", { name: "Run with input" });
    await dialog.locator("textarea").fill('{ "kind": "a" }');
    await dialog.getByRole("button", { name: "Run" }).click();
    await waitForStatus(page, "a", "success");
    await waitForStatus(page, "b", "skipped");
    await waitForStatus(page, "f", "skipped");
    // Each node that recorded data shows its sizes (from the live state and the record), skipped ones none.
    await expect.poll(() => page.getByTestId("sizes-a").textContent()).toMatch(/^in \d+ B · out \d+ B$/);
    await expect.poll(() => page.getByTestId("sizes-b").count()).toBe(0);
    await shot("editor-switch-run.png");

    // Keyboard: select a node, copy, paste (a renamed copy), undo removes it, redo brings it back.
    await openNode(page, "a");
    await page.getByTestId("node-a").click();
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    await page.locator('.wf-node[data-node-name="Alpha 1"]').waitFor();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(6);
    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("Control+z");
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(5);
    await page.keyboard.press("Control+Shift+z");
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(6);

    // Narrow window: the node list starts hidden and the panel overlays the canvas.
    // The pasted node is unsaved, so reloading asks the browser's "Leave site?" first.
    await page.setViewportSize({ width: 760, height: 700 });
    const prompted = new Promise<string>((resolve) =>
      page.once("dialog", (dialog) => {
        resolve(dialog.type());
        void dialog.accept();
      }),
    );
    await page.reload();
    expect(await prompted).toBe("beforeunload");
    await page.getByTestId("node-a").waitFor();
    await expect.poll(() => page.locator(".palette").count()).toBe(0);
    await page.getByTestId("node-a").click();
    await page.getByTestId("config-panel").waitFor();
    await shot("editor-narrow.png");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("button", { name: "Close panel" }).click();

    // The help panel lists the shortcuts.
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    await expect.poll(() => help.textContent()).toContain("Undo");
    await page.keyboard.press("Escape");
  });
});
