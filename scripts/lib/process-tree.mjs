/**
 * A process tree read from Linux's /proc: the dev server is wrangler plus its workerd children, and the
 * supervisor, the benchmarks and the runtime-port discovery all look at that tree. Elsewhere (no /proc)
 * every function here throws or finds nothing; callers fall back.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** `rootPid` and every process below it, from /proc's parent links. */
export function descendants(rootPid, pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
  const children = new Map();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
    } catch {
      // ended meanwhile
    }
  }
  const out = [rootPid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/**
 * The TCP ports (IPv4 and IPv6) the given processes listen on: their socket inodes matched against
 * /proc/net/tcp*'s LISTEN rows. Sorted; empty where /proc cannot tell.
 */
export function listeningPorts(pids) {
  const inodes = new Set();
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // ended meanwhile
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  const ports = new Set();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let rows = [];
    try {
      rows = readFileSync(table, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const f = row.trim().split(/\s+/);
      if (f.length > 9 && f[3] === "0A" && inodes.has(f[9])) ports.add(parseInt(f[1].split(":")[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}
