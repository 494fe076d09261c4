/**
 * The JavaScript editor of the code node's `code` field: CodeMirror 6 with JavaScript highlighting,
 * bracket matching, undo history, Tab to indent, and completions for the sandbox's variables next to the
 * language's own. Loaded lazily by code-field.tsx, so CodeMirror is not in the initial bundle.
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  type CompletionSource,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { javascript, javascriptLanguage } from "@codemirror/lang-javascript";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { CodeVariable } from "./code-variables";

export interface CodeEditorProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  variables: CodeVariable[];
  label?: string;
  describedBy?: string;
  invalid?: boolean;
}

export default function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The latest props, read by the editor's callbacks without recreating the editor.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const variablesSource: CompletionSource = (context) => {
      const word = context.matchBefore(/[$\w.]*/);
      if (!word || (word.from === word.to && !context.explicit)) return null;
      return {
        from: word.from,
        options: latest.current.variables.map((v) => ({
          label: v.label,
          apply: v.insert,
          detail: v.detail,
          type: "variable",
        })),
      };
    };
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          lineNumbers(),
          history(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          javascript(),
          javascriptLanguage.data.of({ autocomplete: variablesSource }),
          autocompletion(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...historyKeymap,
            ...completionKeymap,
            indentWithTab,
          ]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            id: latest.current.id,
            "aria-label": latest.current.label ?? "Code",
            "aria-multiline": "true",
            ...(latest.current.describedBy ? { "aria-describedby": latest.current.describedBy } : {}),
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  // A change from outside (undo in the workflow editor, another node selected) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== props.value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return (
    <div
      ref={host}
      className={`code-editor${props.invalid ? " code-editor-invalid" : ""}`}
      data-testid="code-editor"
    />
  );
}
