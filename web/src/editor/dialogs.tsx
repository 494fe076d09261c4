/** The editor's modal and its keyboard shortcuts dialog (?); the run dialog is test-run-dialog.tsx. */
import { useEffect, useRef, type ReactNode } from "react";

export function Modal({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 className="dialog-title">{title}</h2>
      {/* Only while open: a closed dialog's body (the settings' workflow picker lists every workflow) would
          otherwise be built, and ask the server, on every opening of the editor. */}
      {open && children}
    </dialog>
  );
}

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
export const MOD = isMac ? "⌘" : "Ctrl";

export const SHORTCUTS: [string, string][] = [
  [`${MOD}+S`, "Save"],
  [`${MOD}+Enter`, "Run the workflow (saves first)"],
  [`${MOD}+Z`, "Undo"],
  [`${MOD}+Shift+Z / ${MOD}+Y`, "Redo"],
  ["Delete / Backspace", "Delete the selected nodes and connections"],
  [
    `${MOD}+C / ${MOD}+X / ${MOD}+V`,
    "Copy, cut, paste nodes (as workflow JSON; JSON from elsewhere pastes too)",
  ],
  ["Shift+drag, Shift+click", "Select several nodes"],
  [`${MOD}+A`, "Select every node"],
  ["Enter (in the node list)", "Add the node"],
  ["Escape", "Close the panel, clear the selection"],
  ["?", "Show this help"],
];

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, action]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Modal>
  );
}
