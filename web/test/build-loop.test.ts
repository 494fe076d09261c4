/**
 * The build-and-test loop in a real browser: searching and tag-filtering the list (in the URL, so a
 * reload keeps it), duplicating from a row, tagging in the editor, the History panel's diff and restore.
 * Screenshots go to test-artifacts/ (git-ignored).
 */
import type { Page } from "playwright-core";
import { beforeEach, expect, it } from "vitest";
import { describeBrowser } from "./support/browser";

/** Calls the API from the page (its session cookie). */
async function apiCall<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json();
    },
    { method, path, body },
  ) as Promise<T>;
}

const manual = { id: "m1", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} };
const setNode = (value: string) => ({
  id: "s1",
  type: "set",
  name: "Shape",
  position: { x: 260, y: 0 },
  parameters: { fields: { greeting: value } },
});

describeBrowser("browser: build loop", "Katherine Johnson", (b) => {
  const baseUrl = b.baseUrl;
  let page: Page;
  const shot = b.shot;
  beforeEach(() => {
    page = b.page;
  });

  it("searches the list (debounced, in the URL), filters by tag chip and duplicates from a row", async () => {
    for (const [name, tags] of [
      ["Invoice to Slack", ["billing", "slack"]],
      ["Nightly report", ["ops"]],
      ["Refund alert", ["billing"]],
    ] as const) {
      await apiCall(page, "POST", "/api/workflows", { name, nodes: [manual], edges: [], tags });
    }
    await page.goto(`${baseUrl}/workflows`);
    const rows = page.locator(".workflow-row .workflow-name");
    await expect.poll(() => rows.count()).toBe(3);

    await page.getByLabel("Search workflows by name").fill("re");
    await page.waitForURL(/search=re/);
    await expect.poll(() => rows.allTextContents()).toEqual(["Refund alert", "Nightly report"]);
    // The search survives a reload: it is in the URL.
    await page.reload();
    await expect.poll(() => rows.allTextContents()).toEqual(["Refund alert", "Nightly report"]);
    await expect.poll(() => page.getByLabel("Search workflows by name").inputValue()).toBe("re");

    await page.getByRole("group", { name: "Filter by tag" }).or(page.locator(".tag-chips")).first().waitFor();
    await page.locator(".tag-chips").getByRole("button", { name: "billing" }).click();
    await page.waitForURL(/tag=billing/);
    await expect.poll(() => rows.allTextContents()).toEqual(["Refund alert"]);
    await shot("list-search-tag.png");

    await page.getByLabel("Search workflows by name").fill("");
    await page.waitForURL((url) => !url.search.includes("search="));
    await expect.poll(() => rows.allTextContents()).toEqual(["Refund alert", "Invoice to Slack"]);

    await page.getByRole("button", { name: "Duplicate Invoice to Slack" }).click();
    await page.getByRole("link", { name: "Invoice to Slack (copy)", exact: true }).waitFor();
    const list = await apiCall<{ items: { name: string; active: boolean; tags: string[] }[] }>(
      page,
      "GET",
      "/api/workflows?search=copy",
    );
    expect(list.items).toEqual([
      expect.objectContaining({
        name: "Invoice to Slack (copy)",
        active: false,
        tags: ["billing", "slack"],
      }),
    ]);
  });

  it("tags a workflow in the editor, then compares and restores an older version from History", async () => {
    const wf = await apiCall<{ id: string }>(page, "POST", "/api/workflows", {
      name: "Greeter",
      nodes: [manual, setNode("hello")],
      edges: [{ id: "e1", source: "m1", target: "s1" }],
    });
    await apiCall(page, "PUT", `/api/workflows/${wf.id}`, {
      name: "Greeter",
      nodes: [manual, setNode("hi there")],
      edges: [],
    });
    await page.goto(`${baseUrl}/workflows/${wf.id}`);
    await page.getByTestId("node-s1").waitFor();

    // Tags: add two, remove one, save.
    await page.getByRole("button", { name: "+ tag" }).click();
    await page.getByLabel("New tag").fill("greetings");
    await page.getByLabel("New tag").press("Enter");
    await page.getByLabel("New tag").fill("demo");
    await page.getByLabel("New tag").press("Enter");
    await page.getByLabel("New tag").press("Escape");
    await page.getByRole("button", { name: "Remove tag demo" }).click();
    await page.keyboard.press("Control+s");
    await expect
      .poll(() => page.getByTestId("save-state").textContent(), { timeout: 20_000 })
      .toBe("Saved · v3");
    const saved = await apiCall<{ tags: string[] }>(page, "GET", `/api/workflows/${wf.id}`);
    expect(saved.tags).toEqual(["greetings"]);

    // History: version 1 differs from now in Shape's fields and the Start → Shape connection.
    await page.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitemcheckbox", { name: "History" }).click();
    const panel = page.getByTestId("history-panel");
    await panel.locator('[data-version="1"]').click();
    const diff = panel.getByTestId("version-diff");
    await diff.getByText("change Shape: parameters.fields").waitFor();
    await diff.getByText("connect Start → Shape").waitFor();
    await shot("editor-history-diff.png");

    await diff.getByRole("button", { name: "Restore version 1" }).click();
    await page
      .getByRole("dialog", { name: "Restore version 1?" })
      .getByRole("button", { name: "Restore" })
      .click();
    await expect
      .poll(() => page.getByTestId("save-state").textContent(), { timeout: 20_000 })
      .toBe("Saved · v4");
    await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(1);
    const restored = await apiCall<{ version: number; tags: string[]; nodes: { parameters: unknown }[] }>(
      page,
      "GET",
      `/api/workflows/${wf.id}`,
    );
    expect(restored.version).toBe(4);
    expect(restored.tags).toEqual(["greetings"]);
    expect(restored.nodes[1].parameters).toEqual({ fields: { greeting: "hello" } });
    await expect.poll(() => panel.locator('[data-version="4"]').count()).toBe(1);
    await shot("editor-history-restored.png");
  });
});
