/**
 * The Worker the `worker` test project runs (vitest.config.ts): the real entry, plus the code runner's
 * entrypoint, so the CODE_RUNNER binding can point at it within the one test Worker.
 */
export * from "../src/index";
export { default } from "../src/index";
export { CodeRunner } from "../src/sandbox/runner-entry";
