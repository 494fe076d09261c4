/**
 * Pinned data in the node view: "Pin output" pins what the node output in the latest run; "Edit pinned
 * data" opens a JSON editor that checks the text as you type. Manual and test runs use a pinned node's
 * data as its output instead of running it; production runs never do. Pins are part of the document
 * (undoable, saved with Save).
 */
import { lazy, Suspense, useId, useState } from "react";
import type { ExecutionStep } from "../api/executions";
import { ConfirmDialog } from "../components/confirm-dialog";
import "./code-node.css";
import { parsePinText } from "./pin-text";

const CodeEditor = lazy(() => import("./code-editor"));

export interface PinProps {
  /** The node's pinned data; undefined when it is not pinned. */
  pinned: unknown;
  onPin: (value: unknown) => void;
  /** "Run to here": run the trigger and the nodes on the way to this node (pinned ones do not run). */
  runToHere?: () => void;
}

/** The bar above a node's output: pin state and the actions on it. */
export function PinBar({ pin, step }: { pin: PinProps; step: ExecutionStep | null }) {
  const [editing, setEditing] = useState(false);
  const pinned = pin.pinned !== undefined;
  const canPin = !pinned && step?.status === "success" && step.output !== undefined;
  return (
    <div className={`pin-bar${pinned ? " is-pinned" : ""}`} data-testid="pin-bar">
      {pinned ? (
        <span className="pin-note">
          <strong>Pinned:</strong> manual and test runs use this data instead of running the node.
        </span>
      ) : (
        <span className="pin-note muted">Pin an output to test later nodes without running this one.</span>
      )}
      <span className="pin-actions">
        {pin.runToHere && (
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={pin.runToHere}
            title="Run the trigger and the nodes on the way to this node (pinned nodes do not run)"
          >
            Run to here
          </button>
        )}
        {canPin && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => pin.onPin(step.output)}>
            Pin output
          </button>
        )}
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(true)}>
          {pinned ? "Edit pinned data" : "Set pinned data…"}
        </button>
        {pinned && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => pin.onPin(undefined)}>
            Unpin
          </button>
        )}
      </span>
      {editing && (
        <PinEditor
          initial={pinned ? pin.pinned : step?.status === "success" ? step.output : {}}
          onCancel={() => setEditing(false)}
          onSave={(value) => {
            pin.onPin(value);
            setEditing(false);
          }}
        />
      )}
    </div>
  );
}

function PinEditor(props: { initial: unknown; onSave: (value: unknown) => void; onCancel: () => void }) {
  const id = useId();
  const [text, setText] = useState(() => JSON.stringify(props.initial ?? null, null, 2));
  const parsed = parsePinText(text);
  return (
    <ConfirmDialog
      open
      title="Edit pinned data"
      confirmLabel="Pin this data"
      confirmDisabled={!parsed.ok}
      onConfirm={() => parsed.ok && props.onSave(parsed.value)}
      onCancel={props.onCancel}
    >
      <p className="field-hint">The node's output in manual and test runs: any JSON value.</p>
      <div className="pin-editor" data-testid="pin-editor">
        <Suspense
          fallback={
            <textarea
              id={id}
              className="input code-fallback"
              aria-label="Pinned data (JSON)"
              spellCheck={false}
              rows={12}
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
          }
        >
          <CodeEditor
            id={id}
            value={text}
            onChange={setText}
            variables={[]}
            label="Pinned data (JSON)"
            describedBy={`${id}-error`}
            invalid={!parsed.ok}
          />
        </Suspense>
      </div>
      <p
        id={`${id}-error`}
        className={parsed.ok ? "field-hint" : "field-error"}
        role={parsed.ok ? undefined : "alert"}
      >
        {parsed.ok ? "Valid JSON." : parsed.message}
      </p>
    </ConfirmDialog>
  );
}
