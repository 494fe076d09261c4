/**
 * A person in a real browser: signs up, creates a workflow, renames it, finds it in the list after a
 * reload, opens it, deletes it, signs out. Screenshots go to test-artifacts/ (git-ignored).
 */
import type { Page } from "playwright-core";
import { beforeEach, expect, it } from "vitest";
import { describeBrowser } from "./support/browser";

type WorkflowPage = { items: { id: string; name: string; active: boolean; version: number }[] };
const listWorkflows = (page: Page) =>
  page.evaluate(async () => (await fetch("/api/workflows")).json()) as Promise<WorkflowPage>;

// Signed out: the first test signs up through the form itself, the others through the API.
describeBrowser("browser: workflows", null, (b) => {
  const baseUrl = b.baseUrl;
  let page: Page;
  beforeEach(() => {
    page = b.page;
  });

  it("signs up, creates, renames, lists, opens and deletes a workflow, then signs out", async () => {
    const email = `ada-${Date.now()}@example.com`;

    // Signed out, the app sends the person to sign in, remembering where they were going.
    await page.goto(`${baseUrl}/workflows`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up/);

    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();

    await page.waitForURL(`${baseUrl}/workflows`);
    await page.getByRole("heading", { name: "No workflows yet" }).waitFor();
    await expect.poll(() => page.locator(".account-name").textContent()).toBe("Ada Lovelace");
    await b.shot("workflows-empty.png");

    // Create.
    await page.getByRole("button", { name: "New workflow" }).click();
    await page.getByLabel("Workflow name").fill("Order sync");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    // Creating opens the new, empty workflow in the editor; the breadcrumb leads back to the list.
    await page.waitForURL(/\/workflows\/[^/]+$/);
    await page.getByRole("heading", { name: "How should this workflow start?" }).waitFor();
    await page
      .getByRole("navigation", { name: "Breadcrumb" })
      .getByRole("link", { name: "Workflows" })
      .click();
    await page.getByRole("link", { name: "Order sync", exact: true }).waitFor();

    // Rename inline.
    await page.getByRole("button", { name: "Rename Order sync" }).click();
    await page.getByLabel("New name for Order sync").fill("Order sync to CRM");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("link", { name: "Order sync to CRM", exact: true }).waitFor();

    // The rename is stored: after a reload the list (from the server) shows the new name once.
    await page.reload();
    await page.getByRole("link", { name: "Order sync to CRM", exact: true }).waitFor();
    const names = await page.locator(".workflow-name").allTextContents();
    expect(names).toEqual(["Order sync to CRM"]);
    const stored = await listWorkflows(page);
    expect(stored.items).toHaveLength(1);
    expect(stored.items[0]).toMatchObject({ name: "Order sync to CRM", active: false });
    expect(stored.items[0].version).toBeGreaterThan(1);
    await b.shot("workflows-list.png");

    // Open: still empty, so the editor asks for a trigger.
    await page.getByRole("link", { name: "Order sync to CRM", exact: true }).click();
    await page.waitForURL(`${baseUrl}/workflows/${stored.items[0].id}`);
    await expect.poll(() => page.getByLabel("Workflow name").inputValue()).toBe("Order sync to CRM");
    await page.getByRole("heading", { name: "How should this workflow start?" }).waitFor();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);
    await b.shot("workflow-detail.png");

    // Delete with confirmation.
    await page.getByRole("link", { name: "Workflows" }).first().click();
    await page.getByRole("button", { name: "Delete Order sync to CRM" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete workflow?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("heading", { name: "No workflows yet" }).waitFor();
    expect((await listWorkflows(page)).items).toEqual([]);

    // Sign out: the session is gone, so the list sends the person back to sign in.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await expect.poll(() => page.evaluate(async () => (await fetch("/api/me")).status)).toBe(401);
    await page.goto(`${baseUrl}/workflows`);
    await page.waitForURL(/\/sign-in\?redirect=/);
  });

  it("shows an error state with a retry when the list cannot load, and a toast when a create fails", async () => {
    await page.goto(`${baseUrl}/sign-up`);
    const status = await page.evaluate(async () => {
      const res = await fetch("/api/auth/sign-up/email", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          name: "Grace",
          email: `grace-${Date.now()}@example.com`,
          password: "hopper-1906",
        }),
      });
      return res.status;
    });
    expect(status).toBe(200);

    // The list request fails once (as if the server had a bad moment); Try again loads it for real.
    let failList = true;
    await page.route("**/api/workflows?*", (route) =>
      failList && route.request().method() === "GET"
        ? route.fulfill({
            status: 503,
            json: { error: { code: "unavailable", message: "Database is busy" } },
          })
        : route.fallback(),
    );
    await page.goto(`${baseUrl}/workflows`);
    await page.getByRole("heading", { name: "Could not load your workflows" }).waitFor();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "Database is busy" }).count()).toBe(1);
    failList = false;
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { name: "No workflows yet" }).waitFor();

    // A name over 200 characters is explained at once, and nothing is sent.
    await page.getByRole("button", { name: "New workflow" }).click();
    const input = page.getByLabel("Workflow name");
    await input.fill("x".repeat(201));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "201 characters long; at most 200" }).waitFor();
    expect((await listWorkflows(page)).items).toEqual([]);

    // A create the server refuses shows its message in a toast and stays on the list.
    await page.route("**/api/workflows", (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 503,
            json: { error: { code: "unavailable", message: "Database is busy" } },
          })
        : route.fallback(),
    );
    await input.fill("Valid name");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const toast = page.locator(".toast-error");
    await toast.waitFor();
    await expect.poll(() => toast.textContent()).toContain("Could not create the workflow: Database is busy");
    expect(page.url()).toBe(`${baseUrl}/workflows`);
    expect((await listWorkflows(page)).items).toEqual([]);
    await b.shot("workflows-create-error.png");
    await page.unrouteAll();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
  });

  it("pages through a long list with Load more", async () => {
    await page.goto(`${baseUrl}/sign-up`);
    // 52 workflows through the API: one more page than the list's 50.
    const created = await page.evaluate(async () => {
      const json = { "Content-Type": "application/json" };
      const signUp = await fetch("/api/auth/sign-up/email", {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          name: "Lin",
          email: `lin-${Date.now()}@example.com`,
          password: "many-workflows",
        }),
      });
      if (!signUp.ok) return -1;
      let ok = 0;
      for (let i = 1; i <= 52; i++) {
        const res = await fetch("/api/workflows", {
          method: "POST",
          headers: json,
          body: JSON.stringify({ name: `Flow ${String(i).padStart(2, "0")}`, nodes: [], edges: [] }),
        });
        if (res.status === 201) ok++;
      }
      return ok;
    });
    expect(created).toBe(52);

    await page.goto(`${baseUrl}/workflows`);
    const rows = page.locator(".workflow-name");
    await page.getByRole("link", { name: "Flow 52", exact: true }).waitFor();
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await page.getByRole("link", { name: "Flow 01", exact: true }).waitFor();
    await expect.poll(() => rows.count()).toBe(52);
    expect(new Set(await rows.allTextContents()).size).toBe(52);
    await expect.poll(() => page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
  });

  it("shows the server's message when signing in with a wrong password", async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.locator(".form-error");
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(0);
    expect(page.url()).toContain("/sign-in");
  });
});
