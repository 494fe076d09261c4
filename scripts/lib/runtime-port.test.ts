import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs module of the dev scripts (no types)
import { descendants, listeningPorts } from "./process-tree.mjs";
// @ts-expect-error a plain .mjs module of the dev scripts (no types)
import { findRuntimePort } from "./runtime-port.mjs";

const linux = process.platform === "linux";
const children: ChildProcess[] = [];
// By PID, the stand-in's child too (it would outlive its parent and hold the test's stdout open).
afterEach(() => {
  for (const c of children.splice(0)) {
    for (const pid of descendants(c.pid).reverse()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

/**
 * A stand-in for wrangler: a process whose child listens on several ports, as wrangler's workerd children
 * do. `backlog` lists which of them answer `GET /__engine/backlog` as the Worker does; the others answer
 * 404 (an inspector) or nothing HTTP at all (a raw socket, as workerd's debug port). Prints the ports.
 */
async function fakeWrangler(kinds: ("backlog" | "404" | "raw")[]) {
  const grandchild = `
    const http = require("http"), net = require("net");
    const kinds = ${JSON.stringify(kinds)}, ports = [];
    let left = kinds.length;
    for (const kind of kinds) {
      const server = kind === "raw"
        ? net.createServer((s) => s.on("data", () => {}))
        : http.createServer((req, res) => {
            if (kind === "backlog" && req.url === "/__engine/backlog") {
              res.setHeader("content-type", "application/json");
              return res.end(JSON.stringify({ queued: 0, running: 0, waiting: 0, unfinished: 0 }));
            }
            res.statusCode = 404; res.end("no");
          });
      server.listen(0, "127.0.0.1", () => {
        ports[kinds.indexOf(kind, ports.length)] = server.address().port;
        if (--left === 0) console.log(JSON.stringify(ports));
      });
    }`;
  const parent = spawn(
    process.execPath,
    [
      "-e",
      `const c = require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: ["ignore", "inherit", "inherit"] });
       process.on("SIGTERM", () => { c.kill("SIGKILL"); process.exit(0); });
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(parent);
  const [line] = await once(parent.stdout!, "data");
  return { pid: parent.pid!, ports: JSON.parse(String(line)) as number[] };
}

describe.runIf(linux)("finding the Worker's own runtime port", () => {
  it("lists the ports a process listens on", async () => {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      expect(listeningPorts([process.pid])).toContain((server.address() as AddressInfo).port);
    } finally {
      server.close();
    }
  });

  it("picks the one port below wrangler that answers as this Worker, leaving out wrangler's own", async () => {
    const w = await fakeWrangler(["404", "backlog", "raw", "backlog"]);
    // The last backlog port plays wrangler's proxy (it answers the same, through the runtime).
    expect(await findRuntimePort(w.pid, w.ports[3])).toBe(w.ports[1]);
  });

  it("finds nothing when no port, or more than one, answers as this Worker", async () => {
    const none = await fakeWrangler(["404", "raw"]);
    expect(await findRuntimePort(none.pid, -1)).toBeNull();
    const two = await fakeWrangler(["backlog", "backlog"]);
    expect(await findRuntimePort(two.pid, -1)).toBeNull();
  });
});
