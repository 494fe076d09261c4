/**
 * A vitest reporter that ends every run with one plain line: `N passed, M failed[, K skipped]`.
 * Files that fail to load count as failed tests so a broken import can never pass silently, and so do
 * tests skipped because a hook of theirs failed (a `beforeAll` timing out skips its tests).
 */
export default class SummaryReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let cases = 0;
      for (const test of mod.children.allTests()) {
        cases++;
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed" || hookFailed(test)) failed++;
        else skipped++;
      }
      if (cases === 0 && mod.state() === "failed") failed++;
    }
    failed += unhandledErrors.length;
    const line = `${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "");
    process.stdout.write(`\n${line}\n`);
  }
}

/** True when a suite or the file around `test` has errors of its own (a failed hook). */
function hookFailed(test) {
  for (let p = test.parent; p; p = p.parent) {
    if (typeof p.errors === "function" && p.errors().length > 0) return true;
    if (p.type === "module") break;
  }
  return false;
}
