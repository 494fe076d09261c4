/**
 * A 500-node workflow (the document limit) in a real browser: how much work opening it takes, as counts
 * (never times). Each node card renders once on load, not again when React Flow measures the nodes, and
 * a click re-renders only the clicked card; the workflow is asked for once, the closed dialogs ask for
 * nothing, and the editor's scripts come in a few chunks. Times are in docs/benchmarks.md
 * (bench/editor.mjs), measured, not asserted.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { apiFetch } from "./support/accounts";
import { artifactsDir, describeBrowser } from "./support/browser";

const NODES = 500;

function bigWorkflow() {
  const nodes: Record<string, unknown>[] = [
    { id: "n0", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} },
  ];
  const edges: Record<string, unknown>[] = [];
  for (let i = 1; i < NODES; i++) {
    nodes.push({
      id: `n${i}`,
      type: "set",
      name: `Set ${i}`,
      position: { x: (i % 25) * 260, y: Math.floor(i / 25) * 120 },
      parameters: { fields: { [`f${i}`]: `{{ $json.f${i - 1} }}` } },
    });
    edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}`, sourceHandle: "main" });
  }
  return { name: "Five hundred nodes", nodes, edges };
}

/**
 * Counts node-card renders in the production build through React's DevTools hook (what the React
 * DevTools profiler uses): after each commit, a function component that did work this commit (React's
 * PerformedWork flag, or a mount) and renders the card's root (`.wf-node[data-testid=node-…]`) counts
 * once for that node. A subtree React did not touch (same child fiber as before) is skipped. A string:
 * this file is typed for Node, and it runs in the page before any script.
 */
const RENDER_COUNTER = `(() => {
  const renders = {};
  window.__nodeRenders = renders;
  const FUNCTION_TAGS = new Set([0, 11, 14, 15]);
  const PERFORMED_WORK = 1;
  function walk(fiber, previous) {
    if (FUNCTION_TAGS.has(fiber.tag) && (previous == null || (fiber.flags & PERFORMED_WORK) !== 0)) {
      const root = fiber.child;
      const props = root && root.type === "div" ? root.memoizedProps : null;
      const id = props && props["data-testid"];
      if (typeof id === "string" && id.startsWith("node-") && String(props.className).startsWith("wf-node")) {
        renders[id.slice(5)] = (renders[id.slice(5)] || 0) + 1;
      }
    }
    if (previous && fiber.child === previous.child) return;
    for (let child = fiber.child; child; child = child.sibling) walk(child, child.alternate);
  }
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject() { return 1; },
    checkDCE() {},
    onScheduleFiberRoot() {},
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    onCommitFiberRoot(_id, root) { walk(root.current, root.current.alternate); },
  };
})()`;

const renders = (page: Page) =>
  page.evaluate("({ ...window.__nodeRenders })") as Promise<Record<string, number>>;

describeBrowser("browser: a 500-node workflow", "Frances Allen", (b) => {
  let workflowId = "";
  beforeAll(async () => {
    const created = await apiFetch<{ id: string }>(b.page, "/api/workflows", {
      method: "POST",
      body: bigWorkflow(),
    });
    expect(created.status).toBe(201);
    workflowId = created.body.id;
    await b.context.addInitScript(RENDER_COUNTER);
  });

  it("renders each node card once on load and only the clicked card on a click", async () => {
    const page = await b.context.newPage();
    const requests: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      requests.push(url.pathname + url.search);
    });
    try {
      // A deep link, as a reload or a shared link opens it.
      await page.goto(`${b.baseUrl}/workflows/${workflowId}`);
      // A function, not a string: the app's CSP forbids eval, which a polled string predicate needs.
      await page.waitForFunction((count) => {
        type Element = { style: { visibility: string } };
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Element[] } })
          .document;
        const nodes = [...doc.querySelectorAll(".react-flow__node")];
        return nodes.length === count && nodes.every((n) => n.style.visibility !== "hidden");
      }, NODES);
      await page
        .locator(".react-flow__edge")
        .nth(NODES - 2)
        .waitFor();
      // The latest-run lookup is the last request of opening: after it nothing more is asked for.
      await expect.poll(() => requests.some((r) => r.startsWith("/api/executions?"))).toBe(true);
      await page.waitForLoadState("networkidle");

      const onLoad = await renders(page);
      expect(Object.keys(onLoad)).toHaveLength(NODES);
      expect(Object.entries(onLoad).filter(([, count]) => count !== 1)).toEqual([]);

      // Asked once: the route's early request is reused by the page. The closed settings dialog does
      // not list the person's workflows.
      expect(requests.filter((r) => r === `/api/workflows/${workflowId}`)).toHaveLength(1);
      expect(requests.filter((r) => r.startsWith("/api/workflows?"))).toEqual([]);
      expect(requests.filter((r) => r === "/api/node-types")).toHaveLength(1);
      // The app's scripts: one initial chunk, then the editor, React Flow and the shared app modules.
      const scripts = requests.filter((r) => r.startsWith("/assets/") && r.endsWith(".js"));
      expect(scripts.length, scripts.join("\n")).toBeLessThanOrEqual(4);

      await page.getByTestId("node-n250").click();
      await page.getByTestId("config-panel").waitFor();
      const afterClick = await renders(page);
      const changed = Object.keys(afterClick).filter((id) => afterClick[id] !== onLoad[id]);
      expect(changed).toEqual(["n250"]);
      await page.screenshot({ path: join(artifactsDir, "editor-500-nodes.png") });
    } finally {
      await page.close();
    }
  });
});
