#!/usr/bin/env node
/**
 * `npm run credentials:rotate`: re-encrypts every stored credential with the newest key of CREDENTIAL_KEYS.
 * The keys never leave the Worker: this script calls its operator route batch by batch
 * (POST /api/admin/credentials/rotate, guarded by the ROTATION_TOKEN secret) until no batch is left.
 *
 *   NODEBASE_URL   the deployed Worker (default http://127.0.0.1:8787, i.e. `npm run dev`)
 *   ROTATION_TOKEN the Worker's ROTATION_TOKEN secret (default: read from .dev.vars for local use)
 *   BATCH_SIZE     credentials per request (default 100, max 500)
 *
 * Exit status 0 when every credential is under the newest key; 1 when some could not be decrypted
 * (they are listed; a key id removed too early is the usual cause) or the Worker refused.
 * Docs: docs/credentials.md#rotating-keys.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const baseUrl = (process.env.NODEBASE_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const token = process.env.ROTATION_TOKEN ?? devVar("ROTATION_TOKEN");
const limit = Number(process.env.BATCH_SIZE ?? 100);

if (!token) {
  console.error(
    "ROTATION_TOKEN is not set (and not in .dev.vars). Set the same value as the Worker's secret.",
  );
  process.exit(1);
}

let after;
let total = 0;
const failed = [];
for (;;) {
  const res = await fetch(`${baseUrl}/api/admin/credentials/rotate`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(after ? { limit, after } : { limit }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    console.error(`Rotation refused: ${res.status} ${body?.error?.message ?? ""}`.trim());
    process.exit(1);
  }
  total += body.reencrypted;
  failed.push(...body.failed);
  console.log(
    `re-encrypted ${body.reencrypted} with key "${body.newestKeyId}"; ${body.remaining} left on older keys`,
  );
  if (!body.next) {
    for (const f of failed) console.error(`  could not re-encrypt ${f.id}: ${f.error}`);
    console.log(
      `done: ${total} re-encrypted, ${failed.length} failed, ${body.remaining} still on older keys`,
    );
    process.exit(failed.length > 0 || body.remaining > 0 ? 1 : 0);
  }
  after = body.next;
}

function devVar(name) {
  const path = join(root, ".dev.vars");
  if (!existsSync(path)) return undefined;
  const line = readFileSync(path, "utf8")
    .split("\n")
    .find((l) => l.trim().startsWith(`${name}=`));
  return line
    ?.slice(line.indexOf("=") + 1)
    .trim()
    .replace(/^"(.*)"$/, "$1");
}
