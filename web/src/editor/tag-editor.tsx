/** The workflow's tags in the toolbar: chips with a remove button and a field to add one (Enter). */
import { useState } from "react";

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 50;

export function TagEditor({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const [text, setText] = useState("");
  const [adding, setAdding] = useState(false);

  function add() {
    const tag = text.trim();
    setText("");
    if (!tag || tags.includes(tag)) return;
    onChange([...tags, tag]);
  }

  return (
    <div className="tag-editor" aria-label="Tags">
      {tags.map((tag) => (
        <span key={tag} className="tag-chip">
          {tag}
          <button
            type="button"
            className="tag-remove"
            aria-label={`Remove tag ${tag}`}
            onClick={() => onChange(tags.filter((t) => t !== tag))}
          >
            ×
          </button>
        </span>
      ))}
      {adding ? (
        <input
          className="input input-sm tag-input"
          aria-label="New tag"
          placeholder="tag, then Enter"
          autoFocus
          value={text}
          maxLength={MAX_TAG_LENGTH}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") add();
            if (event.key === "Escape") setAdding(false);
          }}
          onBlur={() => {
            add();
            setAdding(false);
          }}
        />
      ) : (
        tags.length < MAX_TAGS && (
          <button type="button" className="tag-chip tag-add" onClick={() => setAdding(true)}>
            + tag
          </button>
        )
      )}
    </div>
  );
}
