/**
 * vitest globalSetup (runs in Node, outside workerd): a REAL PostgreSQL server for the postgres node's
 * tests, its own throw-away cluster: `initdb` into a temp dir, then the `postgres` binary started by PID on
 * a free 127.0.0.1 port with password (scram-sha-256) login; stopped by that PID and deleted at teardown.
 *
 * Binaries: Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin; `.ci/run` installs it).
 * Without them the tests are skipped with a visible message, except under CI=true, where this FAILS.
 * As root (CI, this machine) the server runs as the `postgres` user the package creates (initdb refuses root).
 * With the test CA (worker/test/tls/test-certificates.ts, trusted by workerd) the server also accepts TLS
 * (`ssl=on`, a certificate for localhost and 127.0.0.1), so `ssl: true` is tested; `ssl` says whether it does.
 * Tests read `inject("postgresServer")`: `{ host, port, database, user, password, ssl }`, or null when skipped.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { testCertificates } from "../tls/test-certificates";

export interface PostgresServer {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Whether the server also accepts TLS with a certificate workerd trusts (false without openssl). */
  ssl: boolean;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresServer: PostgresServer | null;
  }
}

const PASSWORD = "pg-test-pass-42";

function findBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`postgres exited early with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`postgres did not listen on ${port} in time`);
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const bin = findBinDir();
  if (!bin) {
    const message =
      "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin): postgres node tests are SKIPPED. " +
      "Install them with `apt-get install -y postgresql`.";
    if (process.env.CI === "true") throw new Error(`${message} (CI=true: failing instead of skipping)`);
    console.warn(`\n⚠ ${message}\n`);
    project.provide("postgresServer", null);
    return;
  }

  const asRoot = process.getuid?.() === 0;
  const runAs = (command: string, args: string[]) =>
    asRoot ? { command: "runuser", args: ["-u", "postgres", "--", command, ...args] } : { command, args };
  const dir = mkdtempSync(join(tmpdir(), "nodebase-pg-"));
  const data = join(dir, "data");
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, PASSWORD);
  // PostgreSQL refuses a key file that others can read, or that the server's user does not own.
  const certs = testCertificates();
  const sslFiles = certs ? [join(dir, "server.pem"), join(dir, "server.key")] : [];
  if (certs) {
    copyFileSync(certs.certPath, sslFiles[0]);
    copyFileSync(certs.keyPath, sslFiles[1]);
    chmodSync(sslFiles[1], 0o600);
  }
  if (asRoot) {
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    for (const path of [dir, pwfile, ...sslFiles]) chownSync(path, Number(ids.stdout), Number(gid.stdout));
  }
  chmodSync(dir, 0o700);

  const init = runAs(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "nodebase",
    "--auth=scram-sha-256",
    `--pwfile=${pwfile}`,
    "--encoding=UTF8",
    "--locale=C",
  ]);
  const initResult = spawnSync(init.command, init.args, { encoding: "utf8" });
  if (initResult.status !== 0) throw new Error(`initdb failed: ${initResult.stderr || initResult.stdout}`);

  const port = await freePort();
  const start = runAs(join(bin, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    ...(certs
      ? ["-c", "ssl=on", "-c", `ssl_cert_file=${sslFiles[0]}`, "-c", `ssl_key_file=${sslFiles[1]}`]
      : []),
  ]);
  const child = spawn(start.command, start.args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, child, 30_000);
  } catch (err) {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }

  project.provide("postgresServer", {
    host: "127.0.0.1",
    port,
    database: "postgres",
    user: "nodebase",
    password: PASSWORD,
    ssl: certs !== null,
  });
  return async () => {
    // SIGINT = PostgreSQL's "fast shutdown"; the group (runuser and postgres) is ours alone.
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
