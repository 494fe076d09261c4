/**
 * A text field that understands expressions: `{{ … }}` parts are highlighted behind the text, and typing
 * `$` or `{{` offers `$json`, `$trigger`, `$execution.id` and `$node("…")` for every earlier node.
 * Arrow keys choose, Enter or Tab picks, Escape closes. Under a value with an expression, its result
 * against the latest run's data (or why it fails) is shown as it is typed.
 */
import {
  createContext,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { previewExpression, type ExpressionScope, type Preview } from "./expression-preview";
import { parseLooseValue } from "./json-schema";
import {
  applyCompletion,
  completionQueryAt,
  completionsFor,
  filterCompletions,
  hasExpression,
  splitExpressions,
  type CompletionQuery,
} from "./expressions";

interface ExpressionInputProps {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  upstreamNames: string[];
  placeholder?: string;
  multiline?: boolean;
  invalid?: boolean;
  describedBy?: string;
  label?: string;
  /** The field stores JSON typed into it as a JSON value (schema-form's free "any" field). */
  json?: boolean;
}

/** What the fields of the node being edited preview against (config-panel.tsx provides it). */
export const ExpressionPreviewContext = createContext<{
  scope: ExpressionScope | null;
  nodeName: string;
} | null>(null);

const PREVIEW_DELAY_MS = 150;

/**
 * The result of the value's expressions, re-evaluated shortly after each change. `json`: the field
 * stores JSON typed into it as a JSON value (a body), so a run resolves the expressions inside its
 * strings and the result is shown as that JSON, indented, not as the text with its braces.
 */
function ExpressionPreview({ value, json }: { value: string; json: boolean }) {
  const context = useContext(ExpressionPreviewContext);
  const [preview, setPreview] = useState<Preview | null>(null);
  const parsed = json ? parseLooseValue(value) : value;
  const asJson = typeof parsed === "object" && parsed !== null;
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      const parameter = asJson ? { value: parseLooseValue(value) } : { text: value };
      void previewExpression(parameter, context?.scope ?? null, context?.nodeName ?? "").then(
        (next) => current && setPreview(next),
        (error: unknown) => current && setPreview({ kind: "error", message: String(error) }),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [value, asJson, context]);
  if (!preview) return null;
  return (
    <div
      className={`expr-preview${preview.kind === "error" ? " is-error" : ""}`}
      data-testid="expression-preview"
      data-kind={preview.kind}
      aria-live="polite"
    >
      {preview.kind === "value" && !asJson && (
        <>
          <span className="expr-preview-label">Result</span> <code>{preview.text}</code>
        </>
      )}
      {preview.kind === "value" && asJson && (
        <>
          <span className="expr-preview-label">Result</span>
          <pre className="expr-preview-json" data-testid="expression-preview-json">
            {preview.text}
          </pre>
        </>
      )}
      {preview.kind === "error" && (
        <>
          <span className="expr-preview-label">Expression error</span> {preview.message}
        </>
      )}
      {preview.kind === "noData" && (
        <span className="muted">Run the workflow once to preview this value against its data.</span>
      )}
    </div>
  );
}

export function ExpressionInput(props: ExpressionInputProps) {
  const { value, onChange, upstreamNames } = props;
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const backdropRef = useRef<HTMLDivElement>(null);
  const listId = useId();
  const [query, setQuery] = useState<CompletionQuery | null>(null);
  const [active, setActive] = useState(0);
  const all = useMemo(() => completionsFor(upstreamNames), [upstreamNames]);
  const options = query ? filterCompletions(all, query.prefix) : [];
  const open = options.length > 0;

  // Grow with the content: one line for short values, up to ~8 lines before scrolling.
  useLayoutEffect(() => {
    const el = textareaRef.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight + 2, 200)}px`;
  }, [value]);

  const refreshQuery = () => {
    const el = textareaRef.current;
    if (!el) return;
    const next =
      el.selectionStart === el.selectionEnd ? completionQueryAt(el.value, el.selectionStart) : null;
    setQuery(next);
    setActive(0);
  };

  const pick = (index: number) => {
    const el = textareaRef.current;
    const completion = options[index];
    if (!el || !query || !completion) return;
    const result = applyCompletion(el.value, el.selectionStart, query, completion);
    onChange(result.text);
    setQuery(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(result.cursor, result.cursor);
    });
  };

  return (
    <>
      <div className={`expr-field${hasExpression(value) ? " has-expression" : ""}`}>
        <div className="expr-backdrop" ref={backdropRef} aria-hidden="true">
          {splitExpressions(value).map((segment, i) =>
            segment.expression ? (
              <mark key={i} className="expr-mark">
                {segment.text}
              </mark>
            ) : (
              <span key={i}>{segment.text}</span>
            ),
          )}
          {"\u200b"}
        </div>
        <textarea
          ref={textareaRef}
          id={props.id}
          className={`expr-input${props.invalid ? " is-invalid" : ""}`}
          rows={1}
          spellCheck={false}
          value={value}
          placeholder={props.placeholder}
          aria-invalid={props.invalid || undefined}
          aria-describedby={props.describedBy}
          aria-label={props.label}
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={open ? listId : undefined}
          onChange={(event) => {
            onChange(event.target.value);
            requestAnimationFrame(refreshQuery);
          }}
          onScroll={(event) => {
            if (backdropRef.current) backdropRef.current.scrollTop = event.currentTarget.scrollTop;
          }}
          onClick={refreshQuery}
          onBlur={() => setTimeout(() => setQuery(null), 150)}
          onKeyDown={(event) => {
            if (open) {
              if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                event.preventDefault();
                const step = event.key === "ArrowDown" ? 1 : -1;
                setActive((a) => (a + step + options.length) % options.length);
                return;
              }
              if (event.key === "Enter" || event.key === "Tab") {
                event.preventDefault();
                pick(active);
                return;
              }
              if (event.key === "Escape") {
                event.preventDefault();
                event.stopPropagation();
                setQuery(null);
                return;
              }
            }
            // A single-line field: Enter does not add a line (Shift+Enter still does for multi-line ones).
            if (event.key === "Enter" && !props.multiline && !event.shiftKey) event.preventDefault();
          }}
        />
        {open && (
          <ul className="expr-completions" role="listbox" id={listId} aria-label="Expression suggestions">
            {options.map((option, index) => (
              <li
                key={option.label}
                role="option"
                aria-selected={index === active}
                className={index === active ? "is-active" : undefined}
                onMouseDown={(event) => {
                  event.preventDefault();
                  pick(index);
                }}
              >
                <code>{option.label}</code>
                <span className="muted">{option.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {hasExpression(value) && <ExpressionPreview value={value} json={props.json ?? false} />}
    </>
  );
}
