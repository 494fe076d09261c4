/**
 * One node on the canvas: icon, name, type, live status and one handle per output. Memoised and reading
 * its run state from the overlay store, so a status change or a drag re-renders only this node.
 * The root carries `data-testid="node-<id>"` and `data-status` (idle until a run touches it).
 */
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import "./editor.css";
import type { FlowNode } from "./editor-state";
import { hasInputHandle, nodeHandles } from "./handles";
import { STATUS_GLYPHS, STATUS_LABELS } from "../components/status-badge";
import { formatSizes } from "../lib/format";
import { iconFor } from "./node-icons";
import { useNodeOverlay } from "./node-overlay";
import { useNodeTypeInfo } from "./node-types-context";
import { useIsPinned } from "./pinned-nodes";

const HANDLE_SPACING = 24;

function WorkflowNodeView({ id, data, selected }: NodeProps<FlowNode>) {
  const { node } = data;
  const info = useNodeTypeInfo(node.type);
  const overlay = useNodeOverlay(id);
  const pinned = useIsPinned(id);
  const outputs = nodeHandles(info, node);
  const status = overlay?.run?.status ?? "idle";
  const problems = overlay?.problems ?? [];
  const title = info?.title ?? node.type;
  const sizes = formatSizes(overlay?.run?.sizes);
  const named = outputs.length > 1 || outputs[0] !== "main";
  const height = Math.max(64, named ? outputs.length * HANDLE_SPACING + 20 : 64);

  return (
    <div
      className={`wf-node status-${status}${selected ? " is-selected" : ""}${problems.length ? " has-problems" : ""}${info ? "" : " is-unknown"}`}
      data-testid={`node-${id}`}
      data-status={status}
      data-node-name={node.name}
      data-pinned={pinned || undefined}
      style={{ minHeight: height }}
      title={overlay?.run?.error?.message ?? (problems.join("\n") || undefined)}
    >
      {hasInputHandle(info) && <Handle type="target" position={Position.Left} className="wf-handle" />}
      <span className="wf-node-icon" aria-hidden="true">
        {iconFor(info?.icon, info?.category, title)}
      </span>
      <span className="wf-node-text">
        <span className="wf-node-name">{node.name}</span>
        <span className="wf-node-type">{info ? title : `Unknown type ${node.type}`}</span>
        {overlay?.run?.status === "error" && overlay.run.error?.message && (
          <span className="wf-node-error">{overlay.run.error.message}</span>
        )}
        {problems.length > 0 && <span className="wf-node-error">{problems[0]}</span>}
        {overlay?.run?.items && (
          <span
            className={`wf-node-items${overlay.run.items.failed > 0 ? " has-failed" : ""}`}
            data-testid={`items-${id}`}
            title={`${overlay.run.items.failed} failed`}
          >
            {overlay.run.items.done} / {overlay.run.items.total}
            {overlay.run.items.failed > 0 && ` · ${overlay.run.items.failed} failed`}
          </span>
        )}
        {sizes && (
          <span
            className="wf-node-sizes"
            data-testid={`sizes-${id}`}
            title="Recorded input and output, as stored"
          >
            {sizes}
          </span>
        )}
      </span>
      {pinned && (
        <span className="wf-node-pin" title="Pinned: manual and test runs use its pinned data">
          pinned
        </span>
      )}
      {status !== "idle" && (
        <span className={`wf-node-status`} aria-label={STATUS_LABELS[status] ?? status} role="img">
          {STATUS_GLYPHS[status] ?? "•"}
        </span>
      )}
      {outputs.map((output, index) => {
        const top = named ? 20 + index * HANDLE_SPACING : height / 2;
        return (
          <Handle
            key={output}
            id={output}
            type="source"
            position={Position.Right}
            className={
              output === "error" && node.onError === "errorOutput" ? "wf-handle wf-handle-error" : "wf-handle"
            }
            style={{ top }}
            data-handle={output}
          >
            {named && <span className="wf-handle-label">{output}</span>}
          </Handle>
        );
      })}
    </div>
  );
}

/**
 * React Flow passes every node its measured size, absolute position, z-index and drag state as props; the
 * card draws none of them. Comparing only what it draws keeps the measuring pass after the first paint,
 * and every frame of a drag, from re-rendering all 500 cards of a large workflow (it did: two renders per
 * node on load). Run status, problems and pins come from their stores, which re-render one card each.
 */
function sameCard(a: NodeProps<FlowNode>, b: NodeProps<FlowNode>): boolean {
  return a.id === b.id && a.data === b.data && a.selected === b.selected;
}

export const WorkflowNodeCard = memo(WorkflowNodeView, sameCard);
export const flowNodeTypes = { workflow: WorkflowNodeCard };
