import { describe, expect, it } from "vitest";
import { nodeFailureLine } from "./failure-log";

const base = {
  workflowId: "wf-1",
  executionId: "ex-1",
  node: { id: "s", name: "Refuse order", type: "stopAndError" },
  handled: false,
};

describe("nodeFailureLine", () => {
  it("names workflow, execution and node on one line, with the message", () => {
    expect(nodeFailureLine({ ...base, message: "Order total 900 is over the limit" })).toBe(
      'node failed · workflow wf-1 · execution ex-1 · node "Refuse order" (s, stopAndError): Order total 900 is over the limit',
    );
  });

  it("keeps one line for a multi-line message or name, and cuts a long message", () => {
    const line = nodeFailureLine({
      ...base,
      node: { ...base.node, name: "Two\nlines" },
      message: `first\n  second\t${"x".repeat(400)}`,
    });
    expect(line).not.toMatch(/\n/);
    expect(line).toContain('node "Two lines"');
    expect(line).toContain(": first second x");
    expect(line.endsWith("…")).toBe(true);
    expect(line.length).toBeLessThan(450);
  });

  it("says when the node's onError lets the run go on", () => {
    expect(nodeFailureLine({ ...base, handled: true, message: "boom" })).toContain(
      "(s, stopAndError) (onError: the run goes on): boom",
    );
  });
});
