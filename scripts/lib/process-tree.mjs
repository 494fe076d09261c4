/**
 * A process tree read from Linux's /proc: the dev server is wrangler plus its workerd children, and the
 * supervisor, the benchmarks and the runtime-port discovery all look at that tree. Elsewhere (no /proc)
 * every function here throws or finds nothing; callers fall back.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

const isPid = (name) => /^\d+$/.test(name);

/** `rootPid` and every process below it, from /proc's parent links. */
export function descendants(rootPid, pids = readdirSync("/proc").filter(isPid)) {
  return below(
    rootPid,
    pids.map((pid) => [pid, parentOf(readOrNull(() => readFileSync(`/proc/${pid}/stat`, "utf8")))]),
  );
}

/**
 * `descendants`, read without blocking the event loop: the supervisor's watch runs once a second in the
 * process that forwards every request (the files are read on libuv's threads). It walks down the tree
 * through each thread's `children` file, a few reads where the scan reads every process's `stat` (whose
 * replies, all at once, held the loop for ~3 ms here); a kernel without those files gets the scan.
 */
export async function descendantsAsync(rootPid) {
  if (await hasChildrenFiles()) {
    const out = [rootPid];
    for (let i = 0; i < out.length; i++) out.push(...(await childrenOf(out[i])));
    return out;
  }
  const pids = (await readdir("/proc")).filter(isPid);
  const stats = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, "utf8").catch(() => null)));
  return below(
    rootPid,
    pids.map((pid, i) => [pid, parentOf(stats[i])]),
  );
}

/**
 * Whether this kernel has `children` files (CONFIG_PROC_CHILDREN). Asked once, of this process's own main
 * thread: it is the kernel's, so it cannot change, and a watched process that is gone cannot tell.
 */
let childrenFiles;
function hasChildrenFiles() {
  childrenFiles ??= readFile(`/proc/self/task/${process.pid}/children`, "utf8").then(
    () => true,
    () => false,
  );
  return childrenFiles;
}

/** The children of every thread of `pid` (none for a process or thread that ended meanwhile). */
async function childrenOf(pid) {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(
    tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, "utf8").catch(() => "")),
  );
  return lists.flatMap((list) => list.split(" ").filter(isPid).map(Number));
}

/** The parent PID in a /proc/<pid>/stat line (its command may hold spaces and parentheses). */
function parentOf(stat) {
  return stat === null ? null : Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

function readOrNull(read) {
  try {
    return read();
  } catch {
    return null; // ended meanwhile
  }
}

function below(rootPid, links) {
  const children = new Map();
  for (const [pid, ppid] of links) {
    if (ppid !== null) children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
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
