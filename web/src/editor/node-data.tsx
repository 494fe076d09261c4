/** The node view's Input and Output: the latest run's step record (JSON tree, table or raw), a loop body's elements, console lines. */
import type { ReactNode } from "react";
import type { ExecutionStep } from "../api/executions";
import { ConsoleLines } from "../components/console-lines";
import { ElementRecords } from "../components/element-records";
import { JsonViewer } from "../components/json-viewer";
import { STATUS_LABELS } from "../components/status-badge";
import type { NodeRunState } from "./node-overlay";
import { PinBar, type PinProps } from "./pin-data";

/** The node's input or output in the latest run: the step record once it exists, else the live status. */
export function NodeData({
  kind,
  step,
  run,
  loop,
  pin,
}: {
  kind: "input" | "output";
  step: ExecutionStep | null;
  run: NodeRunState | undefined;
  /** For a loop body node: where its per-element records are. */
  loop: { executionId: string | null; nodeId: string };
  /** Output only: the node's pin and the action that sets it. */
  pin?: PinProps;
}) {
  const title = kind === "input" ? "Input" : "Output";
  const status = step?.status ?? run?.status;
  const error = step?.error ?? run?.error;
  const progress = step?.items ?? run?.items;
  let content: ReactNode;
  if (kind === "output" && pin && pin.pinned !== undefined) {
    content = <JsonViewer value={pin.pinned} label="Pinned output" />;
  } else if (progress && loop.executionId) {
    // A body node ran once per element: pick one to see its input and output.
    content =
      kind === "output" ? (
        <ElementRecords executionId={loop.executionId} nodeId={loop.nodeId} progress={progress} />
      ) : (
        <p className="muted">
          This node runs once per loop element: pick an element under Output to see its input and output.
        </p>
      );
  } else if (step) content = <JsonViewer value={kind === "input" ? step.input : step.output} label={title} />;
  else if (run) content = <p className="muted">{title} appears when the run has recorded this step.</p>;
  else
    content = (
      <p className="muted">
        {kind === "input"
          ? "No input yet. Run the workflow to see what reaches this node."
          : "No output yet. Run the workflow to see what this node gives."}
      </p>
    );
  return (
    <section className="config-section run-data" aria-label={title} data-testid={`node-${kind}`}>
      <h3 className="config-section-title">
        {title}
        {kind === "output" && status && (
          <span className={`badge status-badge status-${status}`}>{STATUS_LABELS[status] ?? status}</span>
        )}
        {kind === "output" && step?.pinned && <span className="badge badge-pinned">pinned in this run</span>}
        {kind === "output" && step && step.attempts > 1 && (
          <span className="muted"> · {step.attempts} attempts</span>
        )}
      </h3>
      {kind === "output" && pin && <PinBar pin={pin} step={step} />}
      {kind === "output" && error && <div className="form-error">{error.message}</div>}
      {content}
      {kind === "output" && step?.logs && <ConsoleLines lines={step.logs} />}
    </section>
  );
}
