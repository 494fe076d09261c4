/**
 * The editor never loses work and never hides what it did (issue "The editor"): a new workflow opens on a
 * trigger picker; leaving with unsaved changes asks Save / Discard / Cancel (breadcrumb, Back); Ctrl+A
 * selects nodes, not page text; added nodes stay in sight beside the panel; names that the server would
 * refuse are explained, not cut; dropdowns show words, not raw values; the API keys page shows a key
 * once; the executions list updates by itself. Screenshots at 1280×800 and 1920×1080 in test-artifacts/.
 */
import type { Page } from "playwright-core";
import { beforeEach, expect, it } from "vitest";
import { apiFetch } from "./support/accounts";
import { describeBrowser } from "./support/browser";

// The two triggers the tests below start from.
const START = { id: "t", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} };
const WEBHOOK = {
  id: "w",
  type: "webhookTrigger",
  name: "Webhook",
  position: { x: 0, y: 0 },
  parameters: { method: "POST", respond: "immediately" },
};

type Workflow = { id: string; name: string; nodes: { id: string; type: string; webhookId?: string }[] };

/** The node's box lies wholly inside the visible canvas (not under the panel, not off screen). */
async function insideCanvas(page: Page, nodeTestId: string): Promise<boolean> {
  const canvas = await page.locator(".editor-canvas").boundingBox();
  const node = await page.getByTestId(nodeTestId).boundingBox();
  if (!canvas || !node) return false;
  return (
    node.x >= canvas.x &&
    node.y >= canvas.y &&
    node.x + node.width <= canvas.x + canvas.width &&
    node.y + node.height <= canvas.y + canvas.height
  );
}

describeBrowser("browser: editor trust", "Katherine Johnson", (b) => {
  const baseUrl = b.baseUrl;
  let page: Page;
  const shot = b.shot;
  beforeEach(() => {
    page = b.page;
  });

  it("opens a new workflow on a trigger picker and guards unsaved changes on every way out", async () => {
    await page.getByRole("button", { name: "New workflow" }).click();
    await page.getByLabel("Workflow name").fill("Trust check");
    await page.getByRole("button", { name: "Create", exact: true }).click();

    // Straight into the editor, empty, asking how the workflow should start.
    await page.waitForURL(/\/workflows\/[^/]+$/);
    const id = page.url().split("/").pop()!;
    await page.getByRole("heading", { name: "How should this workflow start?" }).waitFor();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);
    await shot("editor-trigger-picker.png");

    await page.locator('[data-trigger-type="manualTrigger"]').click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(1);
    await expect.poll(() => page.getByTestId("save-state").textContent()).toBe("Unsaved changes");

    // The breadcrumb asks first; Cancel stays with the edits.
    await page
      .getByRole("navigation", { name: "Breadcrumb" })
      .getByRole("link", { name: "Workflows" })
      .click();
    const dialog = page.getByTestId("unsaved-dialog");
    await dialog.getByRole("heading", { name: "Unsaved changes" }).waitFor();
    await shot("editor-unsaved-dialog.png");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(page.url()).toBe(`${baseUrl}/workflows/${id}`);
    await expect.poll(() => page.getByTestId("save-state").textContent()).toBe("Unsaved changes");

    // The top navigation asks too; "Save and leave" stores the edits, then goes.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Executions" }).click();
    await dialog.getByRole("button", { name: "Save and leave" }).click();
    await page.waitForURL(`${baseUrl}/executions`);
    const saved = await apiFetch<Workflow>(page, `/api/workflows/${id}`);
    expect(saved.body.nodes.map((n) => n.type)).toEqual(["manualTrigger"]);

    // Back, after another edit: Discard leaves and the server keeps what was saved.
    await page.goto(`${baseUrl}/workflows`);
    await page.getByRole("link", { name: "Trust check", exact: true }).click();
    await page.waitForURL(`${baseUrl}/workflows/${id}`);
    await page.locator(".wf-node").first().click();
    // The connectors in the palette, each with its own glyph (web/test/node-icons.test.ts checks them all).
    await page.locator('.palette-item[data-node-type="gmail"]').scrollIntoViewIfNeeded();
    await b.shot("editor-palette-connectors.png");
    await page.locator('.palette-item[data-node-type="set"]').click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(2);
    await page.goBack();
    await dialog.getByRole("button", { name: "Discard changes" }).click();
    await page.waitForURL(`${baseUrl}/workflows`);
    const after = await apiFetch<Workflow>(page, `/api/workflows/${id}`);
    expect(after.body.nodes).toHaveLength(1);
  });

  it("keeps added nodes in sight beside the panel and selects nodes with Ctrl+A", async () => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      const created = await apiFetch<Workflow>(page, "/api/workflows", {
        method: "POST",
        body: {
          name: `Chain ${size.width}`,
          nodes: [START],
          edges: [],
        },
      });
      await page.goto(`${baseUrl}/workflows/${created.body.id}`);
      await page.getByTestId("node-t").click();
      // Each click adds a Set after the selected node, 260 px further right: six of them would run
      // under the 380 px panel and off the canvas without panning.
      for (let i = 0; i < 6; i++) {
        await page.locator('.palette-item[data-node-type="set"]').click();
        await expect.poll(() => page.locator(".react-flow__node").count()).toBe(i + 2);
        const added = page.locator(".react-flow__node.selected .wf-node");
        const testId = (await added.getAttribute("data-testid"))!;
        await page.getByTestId("config-panel").waitFor();
        await expect.poll(() => insideCanvas(page, testId), { timeout: 5000 }).toBe(true);
      }
      await shot(`editor-added-nodes-${size.width}x${size.height}.png`);

      // Ctrl+A on the canvas selects all seven nodes and no page text.
      await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
      await page.keyboard.press("Control+a");
      await expect.poll(() => page.locator(".react-flow__node.selected").count()).toBe(7);
      await expect.poll(() => page.evaluate(`window.getSelection()?.toString() ?? ""`)).toBe("");
      await shot(`editor-select-all-${size.width}x${size.height}.png`);

      // Leave without the guard: these edits are thrown away on purpose.
      await page.keyboard.press("Control+s");
      await expect.poll(() => page.getByTestId("save-state").textContent()).toMatch(/^Saved/);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("explains names the server would refuse and shows dropdown options as words", async () => {
    const created = await apiFetch<Workflow>(page, "/api/workflows", {
      method: "POST",
      body: {
        name: "Named",
        nodes: [WEBHOOK],
        edges: [],
      },
    });
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);
    const name = page.getByLabel("Workflow name");
    await name.fill("x".repeat(5000));
    await page.getByRole("alert").filter({ hasText: "5000 characters long" }).first().waitFor();
    await shot("editor-long-name.png");
    await name.press("Enter");
    // Leaving the field puts the kept name back; nothing was cut to 200 and saved behind the person's back.
    await expect.poll(() => name.inputValue()).toBe("Named");
    await name.fill("   ");
    await name.press("Enter");
    await expect.poll(() => name.inputValue()).toBe("Named");
    await expect.poll(() => page.getByTestId("save-state").textContent()).toMatch(/^Saved/);

    await page.getByTestId("node-w").click();
    const respond = page.getByTestId("config-panel").getByLabel("Respond", { exact: true });
    const options = await respond.locator("option").allTextContents();
    expect(options).toEqual([
      "Default (Immediately (202 with the execution id))",
      "Immediately (202 with the execution id)",
      "When the last node finishes",
      "When a Respond to Webhook node runs",
    ]);
    expect(options.some((o) => /^[a-z]+[A-Z]/.test(o))).toBe(false);
    await shot("editor-labelled-options.png");
  });

  it("opens on the latest run's data: input | parameters | output side by side, JSON or table", async () => {
    const created = await apiFetch<Workflow>(page, "/api/workflows", {
      method: "POST",
      body: {
        name: "Shows data",
        nodes: [
          START,
          {
            id: "s",
            type: "set",
            name: "Shape",
            position: { x: 260, y: 0 },
            parameters: {
              fields: { rows: "{{ [{ 'sku': 'A1', 'qty': $json.n }, { 'sku': 'B2', 'qty': 2 }] }}" },
            },
          },
        ],
        edges: [{ id: "e", source: "t", target: "s" }],
      },
    });
    const id = created.body.id;
    const run = await apiFetch<{ executionId: string }>(page, `/api/workflows/${id}/run`, {
      method: "POST",
      body: { n: 7 },
    });
    await expect
      .poll(
        async () =>
          (await apiFetch<{ status: string }>(page, `/api/executions/${run.body.executionId}`)).body.status,
        {
          timeout: 30_000,
        },
      )
      .toBe("success");

    // Reopening the editor paints the finished run and has each node's data, with nothing run again.
    await page.goto(`${baseUrl}/workflows/${id}`);
    await page.waitForSelector('[data-testid="node-s"][data-status="success"]');
    await page.getByTestId("node-s").click();
    await page.getByRole("tab", { name: "Output" }).click();
    await expect.poll(() => page.getByTestId("node-output").textContent()).toContain("A1");

    // Expand: input | parameters | output in three columns; the output as a table with a column per key.
    await page.getByRole("button", { name: "Expand" }).click();
    await page.locator(".config-columns").waitFor();
    await expect.poll(() => page.getByTestId("node-input").textContent()).toContain("7");
    const output = page.getByTestId("node-output");
    await output.getByRole("button", { name: "Table" }).click();
    await shot("editor-node-view-wide.png");
    const headers = await output.locator("th").allTextContents();
    expect(headers).toEqual(["rows"]);
    // Resizing by keyboard on the panel's edge narrows it back to tabs.
    const edge = page.getByRole("separator", { name: "Resize the node panel" });
    await page.getByRole("button", { name: "Narrow" }).click();
    await page.getByRole("tab", { name: "Parameters" }).waitFor();
    const before = Number(await edge.getAttribute("aria-valuenow"));
    await edge.focus();
    await page.keyboard.press("ArrowLeft");
    expect(Number(await edge.getAttribute("aria-valuenow"))).toBe(before + 40);
    await shot("editor-node-view-narrow.png");
    const executions = await apiFetch<{ items: unknown[] }>(page, `/api/executions?workflowId=${id}`);
    expect(executions.body.items).toHaveLength(1);
  });

  it("listens for a test event on a webhook and shows the run it starts", async () => {
    const created = await apiFetch<Workflow>(page, "/api/workflows", {
      method: "POST",
      body: {
        name: "Listens",
        nodes: [
          WEBHOOK,
          {
            id: "s",
            type: "set",
            name: "Echo",
            position: { x: 260, y: 0 },
            parameters: { fields: { got: "{{ $json.body.n }}" } },
          },
        ],
        edges: [{ id: "e", source: "w", target: "s" }],
      },
    });
    const webhookId = created.body.nodes.find((n) => n.id === "w")!.webhookId!;
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);
    await page.getByTestId("node-w").click();
    await page.getByRole("button", { name: "Listen for test event" }).click();
    await page
      .getByTestId("listen-test")
      .getByRole("status")
      .filter({ hasText: "Waiting for a call" })
      .waitFor();
    await shot("editor-listen-test-event.png");

    // The outside world calls the test URL; the editor shows that run without a click.
    const answer = await fetch(`${baseUrl}/webhooks-test/${webhookId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 5 }),
    });
    expect(answer.status).toBe(202);
    await page.getByText("Test event received").waitFor({ timeout: 30_000 });
    await page.waitForSelector('[data-testid="node-s"][data-status="success"]', { timeout: 30_000 });
  });

  it("creates an API key shown once, lists it without the key, and revokes it", async () => {
    await page.goto(`${baseUrl}/workflows`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
    await page.waitForURL(`${baseUrl}/settings/api-keys`);
    await page.getByRole("heading", { name: "No API keys yet" }).waitFor();
    await page.getByLabel("Key name").fill("Deploy script");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key-value").textContent())!;
    expect(key).toMatch(/^nb_/);
    await page.getByRole("row", { name: /Deploy script/ }).waitFor();
    await shot("api-keys-created.png");

    // The key works as a bearer token, and after a reload it is shown nowhere.
    const me = await page.evaluate(
      async (k) => (await fetch("/api/workflows", { headers: { authorization: `Bearer ${k}` } })).status,
      key,
    );
    expect(me).toBe(200);
    await page.reload();
    await page.getByRole("row", { name: /Deploy script/ }).waitFor();
    await expect.poll(() => page.content()).not.toContain(key);

    await page.getByRole("button", { name: "Revoke Deploy script" }).click();
    await page
      .getByRole("dialog", { name: "Revoke API key?" })
      .getByRole("button", { name: "Revoke" })
      .click();
    await page.getByRole("heading", { name: "No API keys yet" }).waitFor();
    const listed = await apiFetch<{ items: unknown[] }>(page, "/api/api-keys");
    expect(listed.body.items).toEqual([]);
  });

  it("shows a new execution in the executions list without a reload", async () => {
    const created = await apiFetch<Workflow>(page, "/api/workflows", {
      method: "POST",
      body: {
        name: "Live list",
        nodes: [START],
        edges: [],
      },
    });
    await page.goto(`${baseUrl}/executions`);
    await page.getByRole("heading", { name: "Executions", exact: true }).waitFor();
    const run = await apiFetch<{ executionId: string }>(page, `/api/workflows/${created.body.id}/run`, {
      method: "POST",
      body: {},
    });
    const row = page.locator(`tr[data-execution-id="${run.body.executionId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("Succeeded");
    await shot("executions-live.png");
  });
});
