/**
 * The node's menu (right-click a node on the canvas): Run to here, Pin output / Unpin, Edit (opens the
 * node view). Closes on Escape, on a click elsewhere, or after an action.
 */
import { useEffect, useRef } from "react";

export interface NodeMenuItem {
  label: string;
  onSelect: () => void;
  disabled?: boolean;
}

export function NodeMenu(props: {
  x: number;
  y: number;
  title: string;
  items: NodeMenuItem[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
    const away = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    const escape = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    document.addEventListener("pointerdown", away);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("pointerdown", away);
      document.removeEventListener("keydown", escape);
    };
  }, [onClose]);
  return (
    <div
      ref={ref}
      className="node-menu"
      role="menu"
      aria-label={props.title}
      style={{ left: props.x, top: props.y }}
    >
      {props.items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          className="node-menu-item"
          disabled={item.disabled}
          onClick={() => {
            props.onClose();
            item.onSelect();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
