/**
 * What an empty workflow shows: "How should this workflow start?" with one button per trigger type, so a
 * new workflow opens straight into choosing its trigger instead of starting with one to delete.
 */
import type { NodeTypeInfo } from "../api/node-types";
import { iconFor } from "./node-icons";

export function TriggerPicker({
  nodeTypes,
  onPick,
}: {
  nodeTypes: NodeTypeInfo[];
  onPick: (type: string) => void;
}) {
  const triggers = nodeTypes.filter((t) => t.trigger);
  return (
    <section className="trigger-picker card" aria-labelledby="trigger-picker-title">
      <h2 id="trigger-picker-title" className="trigger-picker-title">
        How should this workflow start?
      </h2>
      <p className="muted">
        Pick a trigger. You can add the steps it runs next, or drag nodes from the list.
      </p>
      <ul className="trigger-picker-list">
        {triggers.map((t) => (
          <li key={t.type}>
            <button
              type="button"
              className="palette-item"
              onClick={() => onPick(t.type)}
              data-trigger-type={t.type}
            >
              <span className="palette-icon" aria-hidden="true">
                {iconFor(t.icon, t.category, t.title)}
              </span>
              <span className="palette-text">
                <span className="palette-title">{t.title}</span>
                {t.description && <span className="palette-desc">{t.description}</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
