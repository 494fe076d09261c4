/**
 * A person manages credentials in a real browser: creates one from the generated form, never sees the
 * secret again, edits it without retyping the secret, deletes it past the in-use warning, and connects an
 * OAuth2 credential through a fake provider on 127.0.0.1. Screenshots go to test-artifacts/ (git-ignored).
 */
import { createServer, type Server } from "node:http";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeBrowser } from "./support/browser";
const SECRET = "ui-bearer-secret-4b7d90e2";

/** Just enough of an OAuth2 provider: /authorize redirects back with a code, /token trades it for tokens. */
function startFakeProvider(): Promise<{ url: string; server: Server; tokenRequests: URLSearchParams[] }> {
  const tokenRequests: URLSearchParams[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname === "/authorize") {
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", "ui-code-1");
      back.searchParams.set("state", url.searchParams.get("state")!);
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === "/token") {
      let body = "";
      for await (const chunk of req) body += chunk;
      tokenRequests.push(new URLSearchParams(body));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          access_token: "ui-access-token-77",
          refresh_token: "ui-refresh-88",
          expires_in: 3600,
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  // A port the OS picks: a fixed one could be taken by anything else on the machine.
  return new Promise<number>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      done(typeof address === "object" && address ? address.port : 0);
    });
  }).then((port) => ({ url: `http://127.0.0.1:${port}`, server, tokenRequests }));
}

const api = (page: Page, path: string, init?: { method?: string; json?: unknown }) =>
  page.evaluate(
    async ({ path, init }) => {
      const res = await fetch(path, {
        method: init?.method ?? "GET",
        headers: init?.json === undefined ? {} : { "content-type": "application/json" },
        body: init?.json === undefined ? undefined : JSON.stringify(init.json),
      });
      return { status: res.status, text: await res.text() };
    },
    { path, init },
  );

describeBrowser("browser: credentials", "Cred Tester", (b) => {
  const baseUrl = b.baseUrl;
  let page: Page;
  let provider: Awaited<ReturnType<typeof startFakeProvider>>;

  beforeAll(async () => {
    provider = await startFakeProvider();
  });
  beforeEach(() => {
    page = b.page;
  });

  afterAll(async () => {
    provider?.server.closeAllConnections();
    await new Promise((r) => provider?.server.close(r));
  });

  it("creates, edits and deletes a credential without ever showing its secret", async () => {
    await page.goto(`${baseUrl}/credentials`);
    await page.getByRole("heading", { name: "No credentials yet" }).waitFor();
    await expect
      .poll(() => page.getByRole("link", { name: "Credentials" }).getAttribute("class"))
      .toContain("active");

    // Create from the form generated for "Bearer token".
    await page.getByRole("button", { name: "New credential" }).click();
    const form = page.getByRole("form", { name: "New credential" });
    await form.getByLabel("Type").selectOption({ label: "Bearer token" });
    await form.getByLabel("Name").fill("Billing API");
    const token = form.getByLabel("Token");
    await expect.poll(() => token.getAttribute("type")).toBe("password");
    await token.fill(SECRET);
    await form.getByRole("button", { name: "Save credential" }).click();
    await page.locator(".credential-row .workflow-name", { hasText: "Billing API" }).waitFor();
    await b.shot("credentials-list.png");
    await expect.poll(() => page.content()).not.toContain(SECRET);

    // Edit: the secret field starts blank, and leaving it blank does not send it.
    const sent: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "PUT" && r.url().includes("/api/credentials/")) sent.push(r.postData() ?? "");
    });
    await page.getByRole("button", { name: "Edit Billing API" }).click();
    const edit = page.getByRole("form", { name: "Edit Billing API" });
    await expect.poll(() => edit.getByLabel("Token").inputValue()).toBe("");
    await edit.getByLabel("Name").fill("Billing API (prod)");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await page.locator(".credential-row .workflow-name", { hasText: "Billing API (prod)" }).waitFor();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0])).toEqual({ name: "Billing API (prod)", data: {} });

    // A workflow uses it: delete warns with the workflow, then deletes anyway.
    const list = JSON.parse((await api(page, "/api/credentials")).text);
    expect(JSON.stringify(list)).not.toContain(SECRET);
    const credentialId = list.items[0].id;
    const workflow = await api(page, "/api/workflows", {
      method: "POST",
      json: {
        name: "Nightly invoices",
        nodes: [
          { id: "t", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} },
          {
            id: "h",
            type: "httpRequest",
            name: "Call billing",
            position: { x: 200, y: 0 },
            parameters: { url: "https://billing.example/invoices" },
            credentialId,
          },
        ],
        edges: [{ id: "e", source: "t", target: "h", sourceHandle: "main" }],
      },
    });
    expect(workflow.status).toBe(201);
    await page.getByRole("button", { name: "Delete Billing API (prod)" }).click();
    await page
      .getByRole("dialog", { name: "Delete credential?" })
      .getByRole("button", { name: "Delete" })
      .click();
    const inUse = page.getByRole("dialog", { name: "Credential in use" });
    await inUse.getByRole("link", { name: "Nightly invoices" }).waitFor();
    await b.shot("credentials-in-use.png");
    await inUse.getByRole("button", { name: "Delete anyway" }).click();
    await page.getByRole("heading", { name: "No credentials yet" }).waitFor();
    expect(JSON.parse((await api(page, "/api/credentials")).text).items).toEqual([]);
  });

  it("connects an OAuth2 credential through the provider and shows it connected", async () => {
    await page.goto(`${baseUrl}/credentials`);
    await page
      .getByRole("button", { name: /New credential|Add a credential/ })
      .first()
      .click();
    const form = page.getByRole("form", { name: "New credential" });
    await form.getByLabel("Type").selectOption({ label: "OAuth2" });
    await form.getByLabel("Name").fill("Fake provider");
    await form.getByLabel("Client ID").fill("ui-client");
    await form.getByLabel("Client secret").fill("ui-client-secret-31");
    await form.getByLabel("Auth URL").fill(`${provider.url}/authorize`);
    await form.getByLabel("Token URL").fill(`${provider.url}/token`);
    await form.getByRole("button", { name: "Save credential" }).click();
    await page.locator(".credential-row", { hasText: "Not connected" }).waitFor();

    await page.getByRole("link", { name: "Connect" }).click();
    await page.waitForURL(/\/credentials\?connected=/);
    await page.getByRole("status").filter({ hasText: "Connected “Fake provider”" }).waitFor();
    await page.locator(".credential-row .badge-success", { hasText: "Connected" }).waitFor();
    await b.shot("credentials-connected.png");

    expect(provider.tokenRequests).toHaveLength(1);
    expect(provider.tokenRequests[0].get("grant_type")).toBe("authorization_code");
    expect(provider.tokenRequests[0].get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    const html = await page.content();
    for (const secret of ["ui-access-token-77", "ui-refresh-88", "ui-client-secret-31"])
      expect(html).not.toContain(secret);
  });
});
