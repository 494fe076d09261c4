/** Memory of a process tree, read from /proc (Linux): the dev server is wrangler plus its workerd children. */
import { readFileSync } from "node:fs";
import { descendants } from "../../scripts/lib/process-tree.mjs";

/** RSS (MiB) of `pid` and every process below it. */
export function treeRss(pid) {
  let kb = 0;
  for (const p of descendants(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {
      // ended
    }
  }
  return kb / 1024;
}
