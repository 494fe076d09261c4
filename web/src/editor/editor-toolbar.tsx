/**
 * The bar above the canvas: name, save state, tags, undo/redo, the current run's status, active toggle,
 * "⋯" (executions, settings, history, shortcuts), run and save. One line from 1280 px up.
 */
import { Link, useNavigate } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { isTerminalStatus } from "../api/executions";
import type { LiveConnectionState } from "../api/live";
import { toast } from "../components/toaster";
import { nameProblem } from "../lib/names";
import { MOD } from "./dialogs";
import { STATUS_LABELS } from "../components/status-badge";
import { TagEditor } from "./tag-editor";
import { OverflowMenu } from "./overflow-menu";
import type { FollowedExecution } from "./use-live-run";

interface EditorToolbarProps {
  workflowId: string;
  name: string;
  onRename: (name: string) => void;
  dirty: boolean;
  saving: boolean;
  active: boolean;
  version: number;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onSave: () => void;
  onRun: () => void;
  onRunWithInput: () => void;
  onToggleActive: (active: boolean) => void;
  onHelp: () => void;
  /** Opens the workflow settings (error workflow, concurrency). */
  onSettings: () => void;
  onTogglePalette: () => void;
  paletteOpen: boolean;
  execution: FollowedExecution | null;
  connection: LiveConnectionState;
  tags: string[];
  onTags: (tags: string[]) => void;
  historyOpen: boolean;
  onToggleHistory: () => void;
}

export function EditorToolbar(props: EditorToolbarProps) {
  const navigate = useNavigate();
  const [name, setName] = useState(props.name);
  useEffect(() => setName(props.name), [props.name]);
  const nameError = nameProblem(name, "Workflow name");

  // Leaving the field with a name the server would refuse puts the saved name back and says why,
  // so "Saved" never shows beside a name that was not kept.
  function commitName() {
    if (nameError) {
      toast.error(`${nameError}. The name stays “${truncate(props.name)}”.`);
      setName(props.name);
    } else if (name.trim() !== props.name) props.onRename(name.trim());
  }
  const running = props.execution && !isTerminalStatus(props.execution.status);

  return (
    <div className="editor-toolbar" role="toolbar" aria-label="Workflow">
      <button
        type="button"
        className={`btn btn-ghost btn-sm${props.paletteOpen ? " is-on" : ""}`}
        onClick={props.onTogglePalette}
        aria-pressed={props.paletteOpen}
      >
        Nodes
      </button>
      <nav aria-label="Breadcrumb" className="breadcrumb editor-crumb">
        <Link to="/workflows">Workflows</Link>
        <span aria-hidden="true">/</span>
      </nav>
      <span className="editor-name-wrap">
        <input
          className="input input-sm editor-name"
          aria-label="Workflow name"
          value={name}
          title={name}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? "workflow-name-error" : undefined}
          onChange={(event) => setName(event.target.value)}
          onBlur={commitName}
          onKeyDown={(event) => {
            if (event.key === "Enter") event.currentTarget.blur();
          }}
        />
        {nameError && (
          <span id="workflow-name-error" className="field-error editor-name-error" role="alert">
            {nameError}
          </span>
        )}
      </span>
      <span
        className={`badge save-state${props.dirty ? " is-dirty" : ""}`}
        data-testid="save-state"
        aria-live="polite"
      >
        {props.saving ? "Saving…" : props.dirty ? "Unsaved changes" : `Saved · v${props.version}`}
      </span>
      <TagEditor tags={props.tags} onChange={props.onTags} />
      <div className="toolbar-group">
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={props.onUndo}
          disabled={!props.canUndo}
          aria-label="Undo"
          title={`Undo (${MOD}+Z)`}
        >
          ↶
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={props.onRedo}
          disabled={!props.canRedo}
          aria-label="Redo"
          title={`Redo (${MOD}+Shift+Z)`}
        >
          ↷
        </button>
      </div>
      <div className="toolbar-spacer" />
      {props.execution && (
        <Link
          to="/executions/$executionId"
          params={{ executionId: props.execution.id }}
          className={`badge status-badge status-${props.execution.status}`}
          data-testid="run-status"
          data-status={props.execution.status}
          title={props.execution.error?.message ?? "Open this execution"}
        >
          {running ? "Running" : "Run"}: {STATUS_LABELS[props.execution.status] ?? props.execution.status}
          {props.connection === "reconnecting" ? " · reconnecting…" : ""}
        </Link>
      )}
      <label className="toggle" title="An active workflow is started by its triggers (webhooks, schedules)">
        <input
          type="checkbox"
          role="switch"
          checked={props.active}
          onChange={(event) => props.onToggleActive(event.target.checked)}
        />
        <span>{props.active ? "Active" : "Inactive"}</span>
      </label>
      <OverflowMenu
        label="More actions"
        actions={[
          {
            label: "Executions",
            onSelect: () => void navigate({ to: "/executions", search: { workflowId: props.workflowId } }),
          },
          { label: "Settings", onSelect: props.onSettings },
          { label: "History", onSelect: props.onToggleHistory, checked: props.historyOpen },
          { label: "Keyboard shortcuts", onSelect: props.onHelp, hint: "?" },
        ]}
      />
      <div className="btn-split">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={props.onRun}
          title={`Run (${MOD}+Enter)`}
        >
          ▶ Run
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={props.onRunWithInput}
          aria-label="Run with input…"
          title="Run with input or sample data…"
        >
          ▾
        </button>
      </div>
      <button
        type="button"
        className="btn btn-primary btn-sm"
        onClick={props.onSave}
        disabled={props.saving}
        title={`Save (${MOD}+S)`}
      >
        Save
      </button>
    </div>
  );
}

const truncate = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
