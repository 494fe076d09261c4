/**
 * A read-only JSON tree: objects and arrays fold (native <details>, so keyboard and screen readers work),
 * the first levels open. Large strings are cut with a marker; the raw JSON can be copied.
 */
import { useState } from "react";
import { tableOf } from "./data-table";
import { toast } from "./toaster";

type View = "tree" | "table" | "raw";

const OPEN_DEPTH = 2;
const MAX_STRING = 2000;
const MAX_CHILDREN = 200;

export function JsonViewer({ value, label }: { value: unknown; label?: string }) {
  const [view, setView] = useState<View>("tree");
  const text = value === undefined ? "" : JSON.stringify(value, null, 2);
  const table = view === "table" ? tableOf(value) : null;
  return (
    <div className="json-viewer" aria-label={label}>
      <div className="json-toolbar" role="group" aria-label={`${label ?? "Data"} view`}>
        {(["tree", "table", "raw"] as const).map((v) => (
          <button
            key={v}
            type="button"
            className={`btn btn-ghost btn-sm${view === v ? " is-on" : ""}`}
            aria-pressed={view === v}
            onClick={() => setView(v)}
          >
            {v === "tree" ? "JSON" : v === "table" ? "Table" : "Raw"}
          </button>
        ))}
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() =>
            navigator.clipboard
              ?.writeText(text)
              .then(() => toast.success("Copied JSON"))
              .catch((error: unknown) => toast.error("Could not copy", error))
          }
        >
          Copy
        </button>
      </div>
      {value === undefined ? (
        <p className="muted">No data.</p>
      ) : view === "raw" ? (
        <pre className="json-raw">{text}</pre>
      ) : view === "table" ? (
        table ? (
          <div className="json-table-wrap">
            <table className="table json-table" aria-label={`${label ?? "Data"} table`}>
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((row, i) => (
                  <tr key={i}>
                    {row.map((cell, j) => (
                      <td key={j}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {table.hiddenRows > 0 && <p className="muted">… {table.hiddenRows} more rows (see JSON)</p>}
          </div>
        ) : (
          <div className="json-tree">
            <JsonNode value={value} depth={0} />
          </div>
        )
      ) : (
        <div className="json-tree">
          <JsonNode value={value} depth={0} />
        </div>
      )}
    </div>
  );
}

function JsonNode({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const key = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value as Record<string, unknown>);
    const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    if (entries.length === 0) {
      return (
        <div className="json-line">
          {key}
          <span className="json-punct">{Array.isArray(value) ? "[]" : "{}"}</span>
        </div>
      );
    }
    return (
      <details className="json-branch" open={depth < OPEN_DEPTH}>
        <summary>
          {key}
          <span className="json-punct">{summary}</span>
        </summary>
        <div className="json-children">
          {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > MAX_CHILDREN && (
            <div className="muted">… {entries.length - MAX_CHILDREN} more (see Raw)</div>
          )}
        </div>
      </details>
    );
  }
  return (
    <div className="json-line">
      {key}
      <JsonScalar value={value} />
    </div>
  );
}

function JsonScalar({ value }: { value: unknown }) {
  if (typeof value === "string") {
    const cut =
      value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
    return <span className="json-string">"{cut}"</span>;
  }
  if (typeof value === "number") return <span className="json-number">{value}</span>;
  if (typeof value === "boolean") return <span className="json-boolean">{String(value)}</span>;
  return <span className="json-null">null</span>;
}
