/** One workflow in the list: open link, tags, inline rename, duplicate, delete. */
import { Link } from "@tanstack/react-router";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { WorkflowSummary } from "../api/types";
import { formatDateTime, formatRelative } from "../lib/format";
import { nameProblem } from "../lib/names";

interface WorkflowRowProps {
  workflow: WorkflowSummary;
  onRename: (workflow: WorkflowSummary, name: string) => Promise<boolean>;
  onDuplicate: (workflow: WorkflowSummary) => Promise<void>;
  onDelete: (workflow: WorkflowSummary) => void;
  /** A click on one of the row's tags filters the list by it. */
  onTag: (tag: string) => void;
}

export function WorkflowRow({ workflow, onRename, onDuplicate, onDelete, onTag }: WorkflowRowProps) {
  const [duplicating, setDuplicating] = useState(false);
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const renameButtonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (editing) inputRef.current?.select();
  }, [editing]);

  function stopEditing() {
    setEditing(false);
    // Give focus back to where the person was, so keyboard use continues naturally.
    requestAnimationFrame(() => renameButtonRef.current?.focus());
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = inputRef.current?.value ?? "";
    const invalid = nameProblem(typed, "Workflow name");
    setProblem(invalid);
    if (invalid) return inputRef.current?.focus();
    const name = typed.trim();
    if (name === workflow.name) return stopEditing();
    setSaving(true);
    const ok = await onRename(workflow, name);
    setSaving(false);
    if (ok) stopEditing();
  }

  return (
    <li className="workflow-row" data-workflow-id={workflow.id}>
      <div className="workflow-main">
        {editing ? (
          <form className="rename-form" onSubmit={submit}>
            <input
              ref={inputRef}
              className="input input-sm"
              aria-label={`New name for ${workflow.name}`}
              defaultValue={workflow.name}
              disabled={saving}
              aria-invalid={problem ? true : undefined}
              onChange={() => problem && setProblem(null)}
              onKeyDown={(event) => {
                if (event.key === "Escape") stopEditing();
              }}
            />
            <button type="submit" className="btn btn-primary btn-sm" disabled={saving}>
              {saving ? "Saving…" : "Save"}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={stopEditing} disabled={saving}>
              Cancel
            </button>
            {problem && (
              <span className="field-error" role="alert">
                {problem}
              </span>
            )}
          </form>
        ) : (
          <Link
            to="/workflows/$workflowId"
            params={{ workflowId: workflow.id }}
            className="workflow-name"
            title={workflow.name}
          >
            {workflow.name}
          </Link>
        )}
        <div className="workflow-meta">
          <span className={workflow.active ? "badge badge-success" : "badge"}>
            {workflow.active ? "Active" : "Inactive"}
          </span>
          <span>v{workflow.version}</span>
          <span title={formatDateTime(workflow.updatedAt)}>Updated {formatRelative(workflow.updatedAt)}</span>
          {(workflow.tags ?? []).map((tag) => (
            <button
              key={tag}
              type="button"
              className="tag-chip"
              title={`Show workflows tagged “${tag}”`}
              onClick={() => onTag(tag)}
            >
              {tag}
            </button>
          ))}
        </div>
      </div>
      {!editing && (
        <div className="workflow-actions">
          <button
            ref={renameButtonRef}
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Rename ${workflow.name}`}
            onClick={() => setEditing(true)}
          >
            Rename
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Duplicate ${workflow.name}`}
            disabled={duplicating}
            onClick={() => {
              setDuplicating(true);
              void onDuplicate(workflow).finally(() => setDuplicating(false));
            }}
          >
            {duplicating ? "Duplicating…" : "Duplicate"}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-sm btn-danger-text"
            aria-label={`Delete ${workflow.name}`}
            onClick={() => onDelete(workflow)}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
