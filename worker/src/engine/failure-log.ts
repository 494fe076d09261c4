/**
 * One log line per node that failed for good, instead of the runtime's crash-like report. A node's step
 * fails by throwing (so Workflows retries it), and an exception that leaves a step makes the runtime
 * log `Uncaught NonRetryableError: …` with a stack, which reads like a crash of the server. The engine
 * writes this line when it records the failure; `npm run dev` (scripts/lib/dev-log-filter.mjs) drops the
 * runtime's report of the same failure. The message is the recorded one: secrets already masked.
 */

/** Longest message written into the line; the full text is in the step record. */
const MAX_MESSAGE = 300;

export interface NodeFailure {
  workflowId: string;
  executionId: string;
  node: { id: string; name: string; type: string };
  message: string;
  /** The node's onError let the run go on (`continue` or `errorOutput`). */
  handled: boolean;
}

/** `node failed · workflow … · execution … · node "Name" (id, type): message` on one line. */
export function nodeFailureLine(failure: NodeFailure): string {
  const { workflowId, executionId, node, handled } = failure;
  const oneLine = failure.message.replace(/\s+/g, " ").trim();
  const message = oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
  const name = JSON.stringify(node.name.replace(/\s+/g, " "));
  const outcome = handled ? " (onError: the run goes on)" : "";
  return `node failed · workflow ${workflowId} · execution ${executionId} · node ${name} (${node.id}, ${node.type})${outcome}: ${message}`;
}

export function logNodeFailure(failure: NodeFailure): void {
  // console.log: a failed node is an outcome of the run, not an error of the server.
  console.log(nodeFailureLine(failure));
}
