/**
 * The form field for JavaScript (a string schema with `contentMediaType: "text/javascript"`): the
 * CodeMirror editor, loaded on first use (a plain text area stands in while it loads), and the list of
 * what the code can use.
 */
import { lazy, Suspense } from "react";
import { codeVariables } from "./code-variables";
import "./code-node.css";

const CodeEditor = lazy(() => import("./code-editor"));

export interface CodeFieldProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  upstreamNames: string[];
  label?: string;
  describedBy?: string;
  invalid?: boolean;
}

export function CodeField(props: CodeFieldProps) {
  const variables = codeVariables(props.upstreamNames);
  return (
    <div className="code-field">
      <Suspense
        fallback={
          <textarea
            id={props.id}
            className="input code-fallback"
            aria-label={props.label ?? "Code"}
            aria-describedby={props.describedBy}
            spellCheck={false}
            rows={10}
            value={props.value}
            onChange={(event) => props.onChange(event.target.value)}
          />
        }
      >
        <CodeEditor {...props} variables={variables} />
      </Suspense>
      <details className="code-variables" open>
        <summary>Available in the code</summary>
        <ul>
          {variables.map((v) => (
            <li key={v.label}>
              <code>{v.label}</code> <span className="muted">{v.detail}</span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
