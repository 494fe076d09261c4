/**
 * The toolbar's "⋯" menu: the less-used actions (executions, settings, history, shortcuts) in a menu
 * button, so the toolbar keeps one line at 1280 px. Keyboard as WAI-ARIA's menu button pattern: Enter,
 * Space or ↓ opens on the first item (↑ on the last), ↑/↓ move (wrapping), Home/End jump, Enter or
 * Space picks, Escape closes back to the button, Tab closes and moves on; a click outside closes.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

export interface MenuAction {
  label: string;
  onSelect: () => void;
  /** Shown at the right, e.g. a shortcut. */
  hint?: string;
  /** A toggle (History): drawn as a checked menu item. */
  checked?: boolean;
}

export function OverflowMenu({ label, actions }: { label: string; actions: MenuAction[] }) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();

  const openAt = (index: number) => {
    setActive(index);
    setOpen(true);
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  useEffect(() => {
    if (open) itemRefs.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  const onButtonKey = (event: KeyboardEvent) => {
    // Enter and Space click the button (which opens on the first item); the arrows open too.
    if (event.key === "ArrowDown") {
      event.preventDefault();
      openAt(0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      openAt(actions.length - 1);
    }
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const last = actions.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: active === last ? 0 : active + 1,
      ArrowUp: active === 0 ? last : active - 1,
      Home: 0,
      End: last,
    };
    if (event.key in moves) {
      event.preventDefault();
      setActive(moves[event.key]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      // The editor's own Escape (clear the selection) is not for this key press.
      event.stopPropagation();
      close(true);
    } else if (event.key === "Tab") {
      setOpen(false);
    }
  };

  const pick = (action: MenuAction) => {
    close(true);
    action.onSelect();
  };

  return (
    <div className="overflow-menu">
      <button
        ref={buttonRef}
        type="button"
        className={`btn btn-ghost btn-sm${open ? " is-on" : ""}`}
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close(false) : openAt(0))}
        onKeyDown={onButtonKey}
      >
        ⋯
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          className="overflow-menu-list"
          onKeyDown={onMenuKey}
        >
          {actions.map((action, index) => (
            <button
              key={action.label}
              ref={(el) => {
                itemRefs.current[index] = el;
              }}
              type="button"
              role={action.checked === undefined ? "menuitem" : "menuitemcheckbox"}
              aria-checked={action.checked}
              tabIndex={index === active ? 0 : -1}
              className="overflow-menu-item"
              onClick={() => pick(action)}
              onMouseEnter={() => setActive(index)}
            >
              <span className="overflow-menu-check" aria-hidden="true">
                {action.checked ? "✓" : ""}
              </span>
              <span>{action.label}</span>
              {action.hint && <kbd className="overflow-menu-hint">{action.hint}</kbd>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
