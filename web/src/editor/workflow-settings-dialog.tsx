/** Workflow settings: the error workflow (started once for every failed run) and the concurrency limit. */
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
