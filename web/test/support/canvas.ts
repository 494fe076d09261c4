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
  const source = `.react-flow__handle.source[data-nodeid="${sourceId}"][data-handleid="${handle}"]`;
  const target = `.react-flow__handle.target[data-nodeid="${targetId}"]`;
  // The editor pans to keep the node being configured in sight; a person fits the view to reach others.
  if (!(await isClickable(page, source)) || !(await isClickable(page, target))) {
    await page.locator(".react-flow__controls-fitview").click();
  }
  const from = await centerOf(page, source);
  const to = await centerOf(page, target);
  const before = await page.locator(".react-flow__edge").count();
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(`document.querySelectorAll(".react-flow__edge").length > ${before}`);
}

/** Clicks a node (after "fit view", as a person would when it is off screen) and waits for its panel. */
export async function openNode(page: Page, id: string) {
  const node = page.getByTestId(`node-${id}`);
  if (!(await isClickable(page, `[data-testid="node-${id}"]`))) {
    await closePanel(page);
    await page.locator(".react-flow__controls-fitview").click();
  }
  await node.click();
  await page.getByTestId("config-panel").waitFor();
}

export async function waitForStatus(page: Page, id: string, status: string, timeout = 60_000) {
  await page.waitForSelector(`[data-testid="node-${id}"][data-status="${status}"]`, { timeout });
}

/** True when the middle of the element is on screen and not covered (by the minimap, a panel). */
async function isClickable(page: Page, selector: string): Promise<boolean> {
  // A string, because this file is typed for Node (no DOM lib); it runs in the page.
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) return false;
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && el.contains(hit);
  })()`) as Promise<boolean>;
}
