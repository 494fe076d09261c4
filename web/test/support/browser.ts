/**
 * Debian's chromium driven by playwright-core (never a downloaded browser). Missing chromium skips the
 * browser tests with a warning locally, and fails them under CI=true so CI can never pass without them.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type ConsoleMessage, type Page, type Request } from "playwright-core";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { signUp } from "./accounts";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const haveChromium = existsSync(chromiumPath);
export const requireChromium = process.env.CI === "true" || process.env.CI === "1";

const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A fresh profile per call (its own cookies), removed on close. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), "nodebase-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Stands in for a browser suite when chromium is missing. Under CI=true: a test that fails and says what
 * to install, so CI can never pass without the browser tests. Locally: a warning and a `todo` entry in
 * the report (no test that passes without having run anything).
 */
export function missingChromium(suite: string) {
  const message = `${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium)`;
  describe(suite, () => {
    if (requireChromium) {
      it("has chromium to run the browser tests", () => {
        throw new Error(`CI=true but ${message}`);
      });
    } else {
      console.warn(`\n⚠ Skipping "${suite}": ${message}.\n`);
      it.todo(`runs once chromium is installed (${chromiumPath})`);
    }
  });
}

/**
 * Watches a page: its console errors, and its requests that failed, took over a second or never ended.
 * `report()` says what was seen; `stop()` stops watching.
 */
function watchPage(page: Page) {
  const seen: string[] = [];
  const pending = new Map<Request, number>();
  const onConsole = (m: ConsoleMessage) => {
    if (m.type() === "error") seen.push(`console error: ${m.text()} (${m.location().url})`);
  };
  const onRequest = (r: Request) => pending.set(r, Date.now());
  const onEnded = (r: Request) => {
    const took = Date.now() - (pending.get(r) ?? Date.now());
    pending.delete(r);
    const failed = r.failure();
    if (failed) seen.push(`request failed: ${r.url()} (${failed.errorText})`);
    else if (took > 1000) seen.push(`slow request: ${r.url()} took ${took} ms`);
  };
  page.on("console", onConsole);
  page.on("request", onRequest);
  page.on("requestfinished", onEnded);
  page.on("requestfailed", onEnded);
  return {
    report: () =>
      [...seen, ...[...pending].map(([r, at]) => `still waiting: ${r.url()} for ${Date.now() - at} ms`)].join(
        "\n",
      ),
    stop() {
      page.off("console", onConsole);
      page.off("request", onRequest);
      page.off("requestfinished", onEnded);
      page.off("requestfailed", onEnded);
    },
  };
}

/** What a browser suite's tests drive: the dev server, one signed-in page, screenshots. */
export interface BrowserSuite {
  baseUrl: string;
  /** The signed-in page (set before the first test). */
  readonly page: Page;
  /** Its browser context (cookies, permissions, more pages). */
  readonly context: BrowserContext;
  /** Saves a screenshot of the page as test-artifacts/<name>. */
  shot(name: string): Promise<void>;
}

export const artifactsDir = resolve(import.meta.dirname, "../../../test-artifacts");

/**
 * A browser suite: one chromium with a fresh profile, signed up as `person` through the real form (or
 * signed out with `person` null, for suites that test signing up or what a visitor sees), closed after
 * the suite. Without chromium it becomes `missingChromium(suite)`.
 */
export function describeBrowser(suite: string, person: string | null, body: (browser: BrowserSuite) => void) {
  if (!haveChromium) {
    missingChromium(suite);
    return;
  }
  describe(suite, () => {
    let launched: Awaited<ReturnType<typeof launchBrowser>> | undefined;
    let page: Page | undefined;
    const context: BrowserSuite = {
      baseUrl: inject("baseUrl"),
      get page() {
        if (!page) throw new Error("the browser has not started yet (use page inside a test)");
        return page;
      },
      get context() {
        if (!launched) throw new Error("the browser has not started yet (use context inside a test)");
        return launched.context;
      },
      shot: async (name) => {
        await context.page.screenshot({ path: join(artifactsDir, name) });
      },
    };
    beforeAll(async () => {
      mkdirSync(artifactsDir, { recursive: true });
      launched = await launchBrowser();
      page = launched.context.pages()[0] ?? (await launched.context.newPage());
      const seen = watchPage(page);
      try {
        if (person !== null) await signUp(page, context.baseUrl, person);
      } catch (error) {
        // A sign-up that never shows its form once failed only on CI's loaded machine: keep what the page
        // showed and what it asked for, so the next time says why instead of just "timeout".
        const shot = join(artifactsDir, `signup-failed-${suite.replace(/\W+/g, "-")}.png`);
        await page.screenshot({ path: shot }).catch(() => {});
        const text = (
          await page
            .locator("body")
            .innerText()
            .catch(() => "")
        ).slice(0, 500);
        throw new Error(
          `signing up for "${suite}" failed at ${page.url()} (screenshot ${shot})\n` +
            `page text: ${JSON.stringify(text)}\n${seen.report()}\n${String(error)}`,
        );
      } finally {
        seen.stop();
      }
    });
    afterAll(async () => {
      await launched?.close();
    });
    body(context);
  });
}
