/**
 * Pinned data and "Run to here" in a real browser: pin a node's last output, edit the pin in the JSON
 * editor (invalid JSON is refused with the reason), see the pin mark on the canvas, then run to a later
 * node from its menu: the pinned node does not run, nothing after the chosen node runs. Then "Open in
 * editor with this data" from an execution page pins that run's trigger data, unsaved.
 */
import { expect, it } from "vitest";
import { apiFetch } from "./support/accounts";
import { describeBrowser } from "./support/browser";
import { openNode, waitForStatus } from "./support/canvas";

const node = (
  id: string,
  type: string,
  name: string,
  x: number,
  parameters: Record<string, unknown> = {},
) => ({
  id,
  type,
  name,
  position: { x, y: 0 },
  parameters,
});

const GREETER = {
  name: "Greeter",
  nodes: [
    node("m", "manualTrigger", "Start", 0),
    node("s", "set", "Shape", 260, { fields: { greeting: "hello" } }),
    node("u", "set", "Shout", 520, { fields: { loud: "{{ $uppercase($json.greeting) }}" } }),
    node("a", "set", "After", 780, { fields: { done: true } }),
  ],
  edges: [
    { id: "e1", source: "m", target: "s" },
    { id: "e2", source: "s", target: "u" },
    { id: "e3", source: "u", target: "a" },
  ],
};

type Execution = {
  id: string;
  runUntil: string | null;
  triggerNodeId: string;
  steps: { nodeId: string; status: string; pinned: boolean; output: unknown }[];
};

describeBrowser("browser: pinned data and run to here", "Barbara Liskov", (b) => {
  it("pins an output, edits the pin with validation, and runs to a node from its menu", async () => {
    const { page, baseUrl } = b;
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", { method: "POST", body: GREETER });
    const id = created.body.id;
    await page.goto(`${baseUrl}/workflows/${id}`);
    await page.getByTestId("node-a").waitFor();

    await page.getByRole("button", { name: "▶ Run" }).click();
    await waitForStatus(page, "a", "success");

    // Pin Shape's output from the latest run.
    await openNode(page, "s");
    await page.getByRole("tab", { name: "Output" }).click();
    await page.getByRole("button", { name: "Pin output" }).click();
    await page.locator('[data-testid="node-s"][data-pinned]').waitFor();
    await expect.poll(() => page.getByTestId("pin-bar").textContent()).toContain("Pinned");

    // Edit the pin: invalid JSON is explained and cannot be pinned; valid JSON is.
    await page.getByRole("button", { name: "Edit pinned data" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit pinned data" });
    // The CodeMirror editor (a plain text area stands in while it loads).
    const editor = dialog.locator('.cm-content[aria-label="Pinned data (JSON)"]');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type('{ "greeting": hi }');
    await dialog.getByRole("alert").filter({ hasText: "Not valid JSON" }).waitFor();
    await expect.poll(() => dialog.getByRole("button", { name: "Pin this data" }).isDisabled()).toBe(true);
    await b.shot("pin-editor-invalid.png");
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type('{ "greeting": "hi there" }');
    await dialog.getByText("Valid JSON.").waitFor();
    await dialog.getByRole("button", { name: "Pin this data" }).click();
    await expect.poll(() => page.getByTestId("node-output").textContent()).toContain("hi there");
    await b.shot("pin-output.png");
    // At 1280 px the panel is narrow: every pin action stays inside it (they wrap).
    const panelBox = (await page.getByTestId("config-panel").boundingBox())!;
    const unpinBox = (await page.getByRole("button", { name: "Unpin" }).boundingBox())!;
    expect(unpinBox.x + unpinBox.width).toBeLessThanOrEqual(panelBox.x + panelBox.width);

    // Run to here from Shout's menu: saves the pin first, Shape does not run, After neither.
    await page.getByTestId("node-u").click({ button: "right" });
    await page
      .getByRole("menu", { name: "Shout actions" })
      .getByRole("menuitem", { name: "Run to here" })
      .click();
    await expect
      .poll(async () => {
        const list = await apiFetch<{ items: { id: string; status: string }[] }>(
          page,
          `/api/executions?workflowId=${id}`,
        );
        return list.body.items.length === 2 && list.body.items[0].status === "success";
      })
      .toBe(true);
    const list = await apiFetch<{ items: { id: string }[] }>(page, `/api/executions?workflowId=${id}`);
    const latest = (await apiFetch<Execution>(page, `/api/executions/${list.body.items[0].id}`)).body;
    expect(latest.runUntil).toBe("u");
    expect(latest.steps.map((s) => [s.nodeId, s.pinned]).sort()).toEqual([
      ["m", false],
      ["s", true],
      ["u", false],
    ]);
    expect(latest.steps.find((s) => s.nodeId === "u")?.output).toEqual({ loud: "HI THERE" });
    await waitForStatus(page, "u", "success");
    await b.shot("run-to-here.png");
  });

  it("opens a past run in the editor with its trigger data pinned, unsaved", async () => {
    const { page, baseUrl } = b;
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", { method: "POST", body: GREETER });
    const id = created.body.id;
    const run = await apiFetch<{ executionId: string }>(page, `/api/workflows/${id}/run`, {
      method: "POST",
      body: { order: 42 },
    });
    await page.goto(`${baseUrl}/executions/${run.body.executionId}`);
    await page.getByTestId("step-a").waitFor();
    await page.getByRole("link", { name: "Open in editor with this data" }).click();
    await page.locator('[data-testid="node-m"][data-pinned]').waitFor();
    expect(page.url()).not.toContain("debug=");
    await openNode(page, "m");
    await page.getByRole("tab", { name: "Output" }).click();
    await expect.poll(() => page.getByTestId("node-output").textContent()).toContain("42");
    // Not saved until the person saves.
    const saved = await apiFetch<{ pinData?: unknown }>(page, `/api/workflows/${id}`);
    expect(saved.body.pinData).toBeUndefined();
    await b.shot("open-run-in-editor.png");
  });
});
