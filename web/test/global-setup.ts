/**
 * Browser project setup: one `wrangler dev` (fresh D1, fresh secrets) for every browser test file.
 * Without chromium there is nothing to drive, so no server is started (the tests skip or fail themselves).
 */
import type { TestProject } from "vitest/node";
import { haveChromium } from "./support/browser";
import { startDevServer } from "./support/dev-server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!haveChromium) {
    project.provide("baseUrl", "");
    return;
  }
  const server = await startDevServer();
  project.provide("baseUrl", server.url);
  return () => server.stop();
}
