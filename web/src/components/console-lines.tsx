/**
 * A code node's `console.*` lines, in order, each marked by its level. One component for every place a
 * step record is shown: the editor's Output, the execution page's steps and a loop element's record.
 * The server keeps at most 200 lines of 2,000 characters per step; the list shows that many at most
 * (older records are not re-checked) and scrolls inside its own box rather than lengthening the page.
 */
import type { ConsoleLine } from "../api/executions";
import "./console-lines.css";

export const CONSOLE_LINES_SHOWN = 200;

export function ConsoleLines({ lines, label = "Console" }: { lines: ConsoleLine[]; label?: string }) {
  if (lines.length === 0) return null;
  const shown = lines.slice(0, CONSOLE_LINES_SHOWN);
  return (
    <div className="console">
      <h4 className="run-data-title">Console</h4>
      <ol className="console-lines" aria-label={label} data-testid="console-lines">
        {shown.map((line, i) => (
          <li key={i} className={`console-line console-${line.level}`}>
            <span className="console-level">{line.level}</span> {line.message}
          </li>
        ))}
      </ol>
      {lines.length > shown.length && (
        <p className="muted">{lines.length - shown.length} more lines not shown.</p>
      )}
    </div>
  );
}
