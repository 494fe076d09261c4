/** Driving the editor canvas like a person: drag from the palette, connect handles with the mouse. */
import type { Page } from "playwright-core";

/** Drags a palette item onto the canvas at (x, y) relative to the canvas; returns the new node's id. */
export async function dragNodeFromPalette(page: Page, type: string, x: number, y: number, name: string) {
  await closePanel(page);
  await page
    .locator(`.palette-item[data-node-type="${type}"]`)
    .dragTo(page.locator(".editor-canvas .react-flow__pane"), {
      targetPosition: { x, y },
    });
  const node = page.locator(`.wf-node[data-node-name="${name}"]`);
  await node.waitFor();
  const testId = await node.getAttribute("data-testid");
  return testId!.replace(/^node-/, "");
}

/** A selected node opens its panel over part of the canvas; close it to reach every node. */
export async function closePanel(page: Page) {
  const close = page.getByRole("button", { name: "Close panel" });
  if (await close.isVisible()) await close.click();
}

async function centerOf(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Presses on a node's output handle and releases over another node's input handle. */
export async function connect(page: Page, sourceId: string, handle: string, targetId: string) {
  await closePanel(page);
  const from = await centerOf(
    page,
    `.react-flow__handle.source[data-nodeid="${sourceId}"][data-handleid="${handle}"]`,
  );
  const to = await centerOf(page, `.react-flow__handle.target[data-nodeid="${targetId}"]`);
  const before = await page.locator(".react-flow__edge").count();
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(`document.querySelectorAll(".react-flow__edge").length > ${before}`);
}

export async function openNode(page: Page, id: string) {
  await page.getByTestId(`node-${id}`).click();
  await page.getByTestId("config-panel").waitFor();
}

export async function waitForStatus(page: Page, id: string, status: string, timeout = 60_000) {
  await page.waitForSelector(`[data-testid="node-${id}"][data-status="${status}"]`, { timeout });
}
