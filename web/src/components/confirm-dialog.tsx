/**
 * A modal confirmation built on <dialog>: the browser handles focus trapping, Escape and the backdrop.
 */
import { useEffect, useId, useRef, type ReactNode } from "react";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  danger?: boolean;
  /** Keeps the confirm button off (e.g. while a form in the dialog is invalid). */
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // Several confirmations can be on one page (delete, import): each names itself by its own title.
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!props.busy) props.onCancel();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {props.title}
      </h2>
      <div className="dialog-body">{props.children}</div>
      <div className="dialog-actions">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={props.onCancel}
          disabled={props.busy}
          autoFocus
        >
          Cancel
        </button>
        <button
          type="button"
          className={props.danger ? "btn btn-danger" : "btn btn-primary"}
          onClick={props.onConfirm}
          disabled={props.busy || props.confirmDisabled}
        >
          {props.busy ? "Working…" : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
