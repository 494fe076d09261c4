/**
 * Workflow settings: the error workflow (started once for every failed run), the concurrency limit, the
 * execution mode (durable or fast, docs/engine.md) and whether successful runs are kept.
 */
import { useEffect, useState } from "react";
import type { WorkflowDocument } from "../api/types";
import { Modal } from "./dialogs";
import { WorkflowPicker } from "./workflow-picker";

type WorkflowSettings = NonNullable<WorkflowDocument["settings"]>;

export function WorkflowSettingsDialog(props: {
  open: boolean;
  workflowId: string;
  settings: WorkflowSettings;
  onClose: () => void;
  /** Applies the settings to the document (saved with the next save, like any other edit). */
  onApply: (settings: WorkflowSettings) => void;
}) {
  const [draft, setDraft] = useState(props.settings);
  useEffect(() => {
    if (props.open) setDraft(props.settings);
  }, [props.open, props.settings]);
  return (
    <Modal open={props.open} title="Workflow settings" onClose={props.onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          props.onApply(draft);
        }}
      >
        <label className="field">
          <span className="field-label">Error workflow</span>
          <WorkflowPicker
            value={draft.errorWorkflowId}
            excludeId={props.workflowId}
            label="Error workflow"
            onChange={(errorWorkflowId) => setDraft({ ...draft, errorWorkflowId: errorWorkflowId ?? null })}
          />
          <span className="field-hint">
            Runs once for every failed execution of this workflow; it must start with an Error trigger.
          </span>
        </label>
        <label className="field">
          <span className="field-label">Concurrent executions (1–100, empty for no limit)</span>
          <input
            className="input input-sm"
            type="number"
            min={1}
            max={100}
            step={1}
            aria-label="Concurrent executions"
            value={draft.maxConcurrency ?? ""}
            onChange={(event) =>
              setDraft({
                ...draft,
                maxConcurrency: event.target.value === "" ? null : Number(event.target.value),
              })
            }
          />
          <span className="field-hint">Runs beyond the limit wait queued and start in arrival order.</span>
        </label>
        <label className="field">
          <span className="field-label">Execution mode</span>
          <select
            className="input input-sm"
            aria-label="Execution mode"
            value={draft.executionMode ?? "durable"}
            onChange={(event) =>
              setDraft({ ...draft, executionMode: event.target.value as "durable" | "fast" })
            }
          >
            <option value="durable">Durable (every step survives a crash)</option>
            <option value="fast">Fast (runs in the request; no waits or loops)</option>
          </select>
          <span className="field-hint">
            {(draft.executionMode ?? "durable") === "durable"
              ? "Each node is a durable step: a crash resumes the run where it was, nothing runs twice."
              : "For quick, high-volume webhooks: the run happens inside the request, several times faster; after a crash it runs again from the start."}
          </span>
        </label>
        <label className="field">
          <span className="field-label">Keep successful executions</span>
          <select
            className="input input-sm"
            aria-label="Keep successful executions"
            value={draft.saveSuccessfulRuns ?? "all"}
            onChange={(event) =>
              setDraft({ ...draft, saveSuccessfulRuns: event.target.value as "all" | "none" })
            }
          >
            <option value="all">Keep all</option>
            <option value="none">Delete them a minute after they finish</option>
          </select>
          <span className="field-hint">Failed executions are always kept.</span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
        </div>
      </form>
    </Modal>
  );
}
