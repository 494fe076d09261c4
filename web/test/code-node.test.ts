/**
 * The code node in a real browser against `wrangler dev`: the code field is a CodeMirror JavaScript
 * editor listing the variables, a person types code, saves and runs, and the console lines show under the
 * output, and on the execution page under the code step. Then an endless loop fails its run under
 * `wrangler dev` while the API keeps answering another user during the loop (the code runner's process).
 */
import { join, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { beforeEach, expect, it } from "vitest";
import { apiFetch } from "./support/accounts";
import { describeBrowser } from "./support/browser";
import { openNode, waitForStatus } from "./support/canvas";

const artifacts = resolve(import.meta.dirname, "../../test-artifacts");

const workflow = (code: string, timeoutMs = 1000) => ({
  name: "Sum with code",
  nodes: [
    { id: "m", type: "manualTrigger", name: "Manual", position: { x: 0, y: 0 }, parameters: {} },
    {
      id: "p",
      type: "set",
      name: "Prepare",
      position: { x: 260, y: 0 },
      parameters: { fields: { numbers: "{{ $trigger.numbers }}" } },
    },
    { id: "c", type: "code", name: "Sum", position: { x: 520, y: 0 }, parameters: { code, timeoutMs } },
  ],
  edges: [
    { id: "e1", source: "m", target: "p" },
    { id: "e2", source: "p", target: "c" },
  ],
});

interface Execution {
  status: string;
  error: { message: string } | null;
  steps: {
    nodeId: string;
    status: string;
    logs: { level: string; message: string }[] | null;
    output: unknown;
  }[];
}

/** A second account, signed up through the API from Node: its session cookie. */
async function signUpByApi(baseUrl: string, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({
      name,
      email: `bystander-${Date.now()}@example.com`,
      password: "correct horse battery",
    }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

describeBrowser("browser: code node", "Ada Coder", (b) => {
  const baseUrl = b.baseUrl;
  let page: Page;
  let context: BrowserContext;
  beforeEach(() => {
    page = b.page;
    context = b.context;
  });

  it("edits the code in a JavaScript editor, runs it and shows its console lines", async () => {
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", {
      method: "POST",
      body: workflow("return $json;"),
    });
    expect(created.status).toBe(201);
    await page.goto(`${baseUrl}/workflows/${created.body.id}`);
    await openNode(page, "c");
    // CodeMirror is loaded on demand and replaces the stand-in text area.
    const editor = page.getByTestId("code-editor");
    await editor.locator(".cm-content").waitFor();
    await expect.poll(() => editor.locator(".cm-content").innerText()).toContain("return $json;");
    const variables = page.locator(".code-variables li code");
    await expect
      .poll(() => variables.allInnerTexts())
      .toEqual([
        "$json",
        '$node("Prepare")',
        '$node("Manual")',
        "$trigger",
        "$execution",
        "$item",
        "console.log",
      ]);
    // JavaScript highlighting: the keyword is its own highlighted span.
    await expect
      .poll(() => editor.locator(".cm-line span", { hasText: "return" }).count())
      .toBeGreaterThan(0);

    await editor.locator(".cm-content").click();
    await page.keyboard.press("Control+a");
    await page.keyboard.insertText(
      'const sum = $json.numbers.reduce((a, b) => a + b, 0);\nconsole.log("sum is", sum);\nconsole.warn({ first: $node("Manual").numbers[0] });\nreturn { sum };',
    );
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(async () => {
        const saved = await apiFetch<{ nodes: { id: string; parameters: { code?: string } }[] }>(
          page,
          `/api/workflows/${created.body.id}`,
        );
        return saved.body.nodes.find((n) => n.id === "c")?.parameters.code ?? "";
      })
      .toContain('console.log("sum is", sum);');
    await page.getByText("Saved · v2").waitFor();

    await page.getByRole("button", { name: "Run with input…" }).click();
    const dialog = page.getByRole("dialog", { name: "Run with input" });
    await dialog.locator("textarea").fill('{ "numbers": [1, 2, 3, 4] }');
    await dialog.getByRole("button", { name: "Run" }).click();
    await waitForStatus(page, "c", "success");
    await openNode(page, "c");
    // Console lines are under the node view's Output (a tab while the panel is narrow).
    await page.getByRole("tab", { name: "Output" }).click();
    const lines = page.getByTestId("console-lines").locator("li");
    await lines.first().waitFor();
    await expect.poll(() => lines.allInnerTexts()).toEqual(["LOG sum is 10", 'WARN {"first":1}']);
    await page.screenshot({ path: join(artifacts, "code-node.png") });

    // The execution page shows the same lines under the code step, with their levels.
    const runs = await apiFetch<{ items: { id: string }[] }>(
      page,
      `/api/executions?workflowId=${created.body.id}&limit=1`,
    );
    await page.goto(`${baseUrl}/executions/${runs.body.items[0]!.id}`);
    const step = page.getByTestId("step-c");
    await step.locator(":scope > summary").click();
    const stepLines = step.getByRole("list", { name: "Console of Sum" }).locator("li");
    await stepLines.first().waitFor();
    await expect.poll(() => stepLines.allInnerTexts()).toEqual(["LOG sum is 10", 'WARN {"first":1}']);
    await expect
      .poll(() => stepLines.evaluateAll((els) => els.map((el) => el.className)))
      .toEqual(["console-line console-log", "console-line console-warn"]);
    // Other steps have no console.
    await page.getByTestId("step-p").locator(":scope > summary").click();
    await expect.poll(() => page.getByTestId("step-p").getByTestId("console-lines").count()).toBe(0);
    await step.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, "code-node-execution-page.png"), fullPage: true });
  });

  it("under wrangler dev, an endless loop fails its run with a clear error and the API keeps answering while it loops", async () => {
    // The loop runs in the code runner, a second `wrangler dev` (docs/nodes.md#code). Run in the main
    // Worker's process, it held that process's only thread: no request of anybody was answered until
    // the time limit stopped it.
    const created = await apiFetch<{ id: string }>(page, "/api/workflows", {
      method: "POST",
      body: workflow('console.log("looping"); while (true) {}', 3000),
    });
    const bystander = await signUpByApi(baseUrl, "Bystander");
    const run = await apiFetch<{ executionId: string }>(page, `/api/workflows/${created.body.id}/run`, {
      method: "POST",
      body: { numbers: [1] },
    });
    expect(run.status).toBe(201);

    // Another user lists their workflows, one request after another, from the moment the code node is
    // recorded as running until the run has failed. Each must answer (200); what is checked is how many
    // answered while the loop was still running, a count.
    const read = () => apiFetch<Execution>(page, `/api/executions/${run.body.executionId}`);
    // (Run in-process, the loop held the poll too: it saw the run only once it had failed, and the count is 0.)
    await expect
      .poll(
        async () => {
          const { body } = await read();
          return body.status === "error" || body.steps.find((s) => s.nodeId === "c")?.status === "running";
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe(true);
    let ended = false;
    let answeredDuringLoop = 0;
    const bystanderLoop = (async () => {
      while (!ended) {
        const res = await fetch(`${baseUrl}/api/workflows`, {
          headers: { cookie: bystander },
          signal: AbortSignal.timeout(30_000),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        if (!ended) answeredDuringLoop++;
      }
    })();
    let execution: Execution | undefined;
    try {
      await expect
        .poll(
          async () => {
            execution = (await read()).body;
            return execution.status;
          },
          { timeout: 60_000, interval: 250 },
        )
        .toBe("error");
    } finally {
      ended = true;
      await bystanderLoop;
    }
    expect(execution!.error?.message).toBe(
      'Node "Sum": Code ran longer than its time limit (timeoutMs 3000) and was stopped',
    );
    expect(execution!.steps.find((s) => s.nodeId === "c")?.logs).toEqual([
      { level: "log", message: "looping" },
    ]);
    // Three seconds of loop: a bystander blocked by it gets one or two answers (those in flight at its
    // start and end); one that is not gets one every few tens of milliseconds.
    expect(answeredDuringLoop).toBeGreaterThanOrEqual(10);
    expect((await apiFetch(page, "/api/workflows")).status).toBe(200);
  });
});
