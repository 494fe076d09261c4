/**
 * Never lose work: while the document has unsaved changes, leaving the editor by any in-app route (the
 * breadcrumb, the top navigation, Back) asks "Save / Discard / Cancel" first, and closing or reloading the
 * tab gets the browser's own "Leave site?" prompt (browsers show no custom text there).
 */
import { useBlocker } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";

export function UnsavedChangesGuard({ dirty, save }: { dirty: boolean; save: () => Promise<boolean> }) {
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const blocker = useBlocker({
    // Moves inside the same editor (search params of this page) are not "leaving".
    shouldBlockFn: ({ current, next }) => dirtyRef.current && current.pathname !== next.pathname,
    enableBeforeUnload: () => dirtyRef.current,
    withResolver: true,
  });
  const [saving, setSaving] = useState(false);
  const ref = useRef<HTMLDialogElement>(null);
  const open = blocker.status === "blocked";

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  async function saveAndLeave() {
    setSaving(true);
    const saved = await save();
    setSaving(false);
    // A failed save keeps the person here: the problems are shown on the nodes.
    if (saved) blocker.proceed?.();
    else blocker.reset?.();
  }

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="unsaved-title"
      data-testid="unsaved-dialog"
      onCancel={(event) => {
        event.preventDefault();
        if (!saving) blocker.reset?.();
      }}
    >
      <h2 id="unsaved-title" className="dialog-title">
        Unsaved changes
      </h2>
      <div className="dialog-body">
        <p>This workflow has changes that are not saved yet. Save them before you leave?</p>
      </div>
      <div className="dialog-actions">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => blocker.reset?.()}
          disabled={saving}
        >
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => blocker.proceed?.()}
          disabled={saving}
        >
          Discard changes
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void saveAndLeave()}
          disabled={saving}
          autoFocus
        >
          {saving ? "Saving…" : "Save and leave"}
        </button>
      </div>
    </dialog>
  );
}
