/**
 * A loop body node's records, one element at a time: pick an element by index (or jump to the failed
 * ones) and see that element's input and output. Used by the editor's panel and the execution page.
 */
import { useEffect, useState } from "react";
import { executionsApi, type ItemStep, type LoopProgress } from "../api/executions";
import { ConsoleLines } from "./console-lines";
import { JsonViewer } from "./json-viewer";

export function ElementRecords({
  executionId,
  nodeId,
  progress,
}: {
  executionId: string;
  nodeId: string;
  progress: LoopProgress;
}) {
  const [index, setIndex] = useState(0);
  const [record, setRecord] = useState<ItemStep | null | undefined>(undefined);
  const [failed, setFailed] = useState<number[]>([]);
  const last = Math.max(0, progress.total - 1);

  useEffect(() => {
    const abort = new AbortController();
    setRecord(undefined);
    executionsApi
      .items(executionId, { nodeId, itemIndex: index, limit: 1 }, abort.signal)
      .then((page) => setRecord(page.items[0] ?? null))
      .catch(() => !abort.signal.aborted && setRecord(null));
    return () => abort.abort();
  }, [executionId, nodeId, index, progress.done]);

  useEffect(() => {
    if (progress.failed === 0) return setFailed([]);
    const abort = new AbortController();
    executionsApi
      .items(executionId, { nodeId, status: "error", limit: 50 }, abort.signal)
      .then((page) => setFailed(page.items.map((s) => s.itemIndex)))
      .catch(() => undefined);
    return () => abort.abort();
  }, [executionId, nodeId, progress.failed]);

  return (
    <div className="element-records" data-testid="element-records">
      <p className={progress.failed > 0 ? "element-progress has-failed" : "element-progress"}>
        {progress.done} / {progress.total} elements{progress.failed > 0 && `, ${progress.failed} failed`}
      </p>
      <label className="element-pick">
        Element{" "}
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={index <= 0}
          onClick={() => setIndex(index - 1)}
        >
          ‹
        </button>
        <input
          type="number"
          min={0}
          max={last}
          value={index}
          aria-label="Element index"
          onChange={(e) => setIndex(Math.min(last, Math.max(0, Number(e.target.value) || 0)))}
        />
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={index >= last}
          onClick={() => setIndex(index + 1)}
        >
          ›
        </button>
        <span className="muted"> of {progress.total}</span>
      </label>
      {failed.length > 0 && (
        <p className="element-failed">
          Failed:{" "}
          {failed.map((i) => (
            <button key={i} type="button" className="btn btn-ghost btn-sm" onClick={() => setIndex(i)}>
              #{i}
            </button>
          ))}
        </p>
      )}
      {record === undefined && <p className="muted">Loading element {index}…</p>}
      {record === null && (
        <p className="muted">Element {index} has no record for this node (not reached yet, or reused).</p>
      )}
      {record && (
        <>
          <p>
            <span className={`badge status-badge status-${record.status}`}>{record.status}</span>
            {record.attempts > 1 && <span className="muted"> · {record.attempts} attempts</span>}
          </p>
          {record.error && <div className="form-error">{record.error.message}</div>}
          <h4 className="run-data-title">Input of element {index}</h4>
          <JsonViewer value={record.input} label={`Input of element ${index}`} />
          <h4 className="run-data-title">Output of element {index}</h4>
          <JsonViewer value={record.output} label={`Output of element ${index}`} />
          {record.logs && <ConsoleLines lines={record.logs} label={`Console of element ${index}`} />}
        </>
      )}
    </div>
  );
}
