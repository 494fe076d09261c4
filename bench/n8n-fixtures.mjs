#!/usr/bin/env node
/**
 * Our n8n import fixtures (worker/test/fixtures/n8n) run in real n8n: each is imported into a throw-away
 * n8n, activated, and called on its production webhook with the payloads worker/test/n8n-import.test.ts
 * sends to the imported copy; n8n's answers are printed next to the ones that test expects from ours, so the
 * fixtures are proven to be what n8n itself answers. Not a timing benchmark; it lives here because, like
 * bench/n8n-side-by-side.mjs, it needs an installed n8n: `N8N_BIN=…/node_modules/.bin/n8n`. Without it
 * the script says so and exits 0. Exits 1 when an answer differs.
 *
 * Usage: N8N_BIN=… node bench/n8n-fixtures.mjs
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { n8nInstance } from "./lib/n8n.mjs";

const BIN = process.env.N8N_BIN;
if (!BIN) {
  console.log("n8n fixtures: skipped (set N8N_BIN to an installed n8n binary to run it)");
  process.exit(0);
}
const { home, port, env, importActive } = await n8nInstance(BIN, "nodebase-n8n-fixtures-");
const fixture = (f) =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../worker/test/fixtures/n8n", f), "utf8"));

// Each fixture on a path of its own (two share "orders"); pins dropped (n8n uses them only in manual runs).
const fixtures = [
  ["webhook-set.json", "double-it", "fixtureSet000001"],
  ["webhook-if-code-set.json", "orders-if", "fixtureIfCode001"],
  ["webhook-respond.json", "orders-respond", "fixtureRespond01"],
];
importActive(
  fixtures.map(([file, path, id]) => {
    const doc = fixture(file);
    doc.id = id;
    delete doc.pinData;
    for (const n of doc.nodes) if (n.type === "n8n-nodes-base.webhook") n.parameters.path = path;
    return [file, doc];
  }),
);

// What worker/test/n8n-import.test.ts expects our imported copies to answer.
const cases = [
  ["double-it", { n: 21, name: "Ada" }, 200, { doubled: 42, greeting: "Hello Ada" }],
  ["orders-if", { amount: 250, customer: "ada" }, 200, { tier: "big", amount: 250, customer: "ADA" }],
  ["orders-if", { amount: 40, customer: "bob" }, 200, { tier: "small", customer: "bob", amount: 40 }],
  ["orders-if", { amount: 500, customer: "" }, 200, { tier: "small", customer: "", amount: 500 }],
  ["orders-respond", { n: 9 }, 201, { created: "ord_9", count: 18 }],
];

const n8n = spawn(BIN, ["start"], { env, stdio: "ignore", detached: true });
const base = `http://127.0.0.1:${port}`;
let differ = 0;
try {
  // Up once its health check answers and the activated webhooks are registered (404 until then).
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/webhook/double-it`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ n: 1, name: "probe" }),
      });
      if (res.status !== 404) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error("n8n did not answer its webhooks");
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const [path, body, status, expected] of cases) {
    const res = await fetch(`${base}/webhook/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const got = await res.json();
    const same = res.status === status && JSON.stringify(got) === JSON.stringify(expected);
    if (!same) differ++;
    console.log(
      `${same ? "same" : "DIFFERS"}  ${path} ${JSON.stringify(body)} → n8n ${res.status} ${JSON.stringify(got)}` +
        (same ? "" : `; ours ${status} ${JSON.stringify(expected)}`),
    );
  }
} finally {
  process.kill(-n8n.pid, "SIGTERM");
  await new Promise((r) => setTimeout(r, 2000));
  rmSync(home, { recursive: true, force: true });
}
console.log(`${cases.length - differ} of ${cases.length} answers the same as ours`);
process.exit(differ ? 1 : 0);
