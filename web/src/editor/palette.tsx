/**
 * The node palette: every node type from the server, grouped by category and searchable. An item can be
 * dragged onto the canvas, or clicked / activated with Enter to add it next to the selection.
 */
import { memo, useMemo, useState } from "react";
import type { NodeTypeInfo } from "../api/node-types";
import { CATEGORY_LABELS, CATEGORY_ORDER, iconFor } from "./node-icons";

export const DRAG_MIME = "application/x-nodebase-node-type";

interface PaletteProps {
  nodeTypes: NodeTypeInfo[];
  onAdd: (type: string) => void;
  onClose?: () => void;
}

export function groupNodeTypes(nodeTypes: NodeTypeInfo[], query: string): [string, NodeTypeInfo[]][] {
  const q = query.trim().toLowerCase();
  const matches = nodeTypes.filter(
    (t) =>
      !q ||
      t.title.toLowerCase().includes(q) ||
      t.type.toLowerCase().includes(q) ||
      (t.description ?? "").toLowerCase().includes(q),
  );
  const groups = new Map<string, NodeTypeInfo[]>();
  for (const t of matches) groups.set(t.category, [...(groups.get(t.category) ?? []), t]);
  const rank = (c: string) =>
    CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : CATEGORY_ORDER.length;
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export const Palette = memo(function Palette({ nodeTypes, onAdd, onClose }: PaletteProps) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => groupNodeTypes(nodeTypes, query), [nodeTypes, query]);

  return (
    <aside className="palette" aria-label="Nodes">
      <div className="palette-head">
        <input
          className="input input-sm"
          type="search"
          placeholder="Search nodes…"
          aria-label="Search nodes"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            // Enter in the search box adds the first match: type "http", Enter.
            if (event.key === "Enter" && groups[0]?.[1][0]) onAdd(groups[0][1][0].type);
          }}
        />
        {onClose && (
          <button
            type="button"
            className="btn btn-ghost btn-sm palette-close"
            onClick={onClose}
            aria-label="Hide nodes"
          >
            ×
          </button>
        )}
      </div>
      <div className="palette-groups">
        {groups.length === 0 && <p className="muted palette-empty">No node matches “{query}”.</p>}
        {groups.map(([category, types]) => (
          <section
            key={category}
            className="palette-group"
            aria-label={CATEGORY_LABELS[category] ?? category}
          >
            <h3 className="palette-group-title">{CATEGORY_LABELS[category] ?? category}</h3>
            <ul className="palette-list">
              {types.map((t) => (
                <li key={t.type}>
                  <button
                    type="button"
                    className="palette-item"
                    draggable
                    data-node-type={t.type}
                    title={t.description}
                    onClick={() => onAdd(t.type)}
                    onDragStart={(event) => {
                      event.dataTransfer.setData(DRAG_MIME, t.type);
                      event.dataTransfer.setData("text/plain", t.type);
                      event.dataTransfer.effectAllowed = "move";
                    }}
                  >
                    <NodeTypeLabel type={t} />
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
});

/** A node type as the palette and the trigger picker show it: its glyph, title and description. */
export function NodeTypeLabel({ type }: { type: NodeTypeInfo }) {
  return (
    <>
      <span className="palette-icon" aria-hidden="true">
        {iconFor(type.icon, type.category, type.title)}
      </span>
      <span className="palette-text">
        <span className="palette-title">{type.title}</span>
        {type.description && <span className="palette-desc">{type.description}</span>}
      </span>
    </>
  );
}
