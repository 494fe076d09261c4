/**
 * The workflow list's filters: a search box (debounced: the URL, and so the request, changes once typing
 * pauses) and tag chips built from the tags of the workflows shown, plus the active tag.
 */
import { useEffect, useRef, useState } from "react";

const DEBOUNCE_MS = 300;

interface ListFiltersProps {
  search: string;
  tag: string | undefined;
  /** Tags of the listed workflows (repeats allowed). */
  tags: string[];
  onSearch: (search: string) => void;
  onTag: (tag: string | undefined) => void;
}

export function ListFilters({ search, tag, tags, onSearch, onTag }: ListFiltersProps) {
  const [text, setText] = useState(search);
  const onSearchRef = useRef(onSearch);
  onSearchRef.current = onSearch;
  // A change from outside (back button, "Clear filters") shows in the box.
  useEffect(() => setText(search), [search]);
  useEffect(() => {
    if (text.trim() === search) return;
    const timer = setTimeout(() => onSearchRef.current(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, search]);

  const chips = [...new Set(tag ? [tag, ...tags] : tags)].sort((a, b) => a.localeCompare(b));
  return (
    <div className="list-filters" role="search">
      <input
        type="search"
        className="input input-sm list-search"
        aria-label="Search workflows by name"
        placeholder="Search workflows…"
        value={text}
        maxLength={200}
        onChange={(event) => setText(event.target.value)}
      />
      {chips.length > 0 && (
        <div className="tag-chips" aria-label="Filter by tag">
          {chips.map((t) => (
            <button
              key={t}
              type="button"
              className={`tag-chip${t === tag ? " is-on" : ""}`}
              aria-pressed={t === tag}
              onClick={() => onTag(t === tag ? undefined : t)}
            >
              {t}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
