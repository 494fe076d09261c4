/**
 * Importing an n8n export from the workflow list in a real browser: the file is recognised as n8n, the
 * import report lists each node (converted, approximated, not converted) before the workflow opens, and
 * the editor shows the converted graph. Screenshots in test-artifacts/.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { describeBrowser } from "./support/browser";

const fixture = (name: string) => resolve(import.meta.dirname, "../../worker/test/fixtures/n8n", name);

describeBrowser("browser: n8n import", "Ada Lovelace", (b) => {
  it("imports an n8n file from the list, shows the per-node report, then opens the workflow", async () => {
    const { page, baseUrl } = b;
    await page.goto(`${baseUrl}/workflows`);
    await page.getByTestId("import-file").setInputFiles({
      name: "sheet-sync.json",
      mimeType: "application/json",
      buffer: readFileSync(fixture("unsupported-node.json")),
    });
    const dialog = page.getByRole("dialog", { name: "Imported “Lead sync (n8n)”" });
    await dialog.waitFor();
    const report = dialog.getByTestId("import-report");
    await expect
      .poll(() =>
        report.locator("li").evaluateAll((items) => items.map((li) => li.getAttribute("data-status"))),
      )
      .toEqual(["converted", "unsupported", "converted"]);
    await expect
      .poll(() => report.locator("li[data-status=unsupported]").textContent())
      .toContain("HubSpot · Not converted");
    await expect
      .poll(() => report.textContent())
      .toContain("1 node(s) need a look before it runs as it did in n8n");
    await expect.poll(() => report.textContent()).toContain("1 sticky note(s) were not imported");
    await b.shot("n8n-import-report.png");

    await dialog.getByRole("button", { name: "Open workflow" }).click();
    await page.waitForURL(/\/workflows\/[^/]+$/);
    const hubspot = page.locator('[data-node-name="HubSpot"]');
    await hubspot.waitFor();
    await expect.poll(() => hubspot.textContent()).toContain("Stop and error");
    await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(2);
  });
});
