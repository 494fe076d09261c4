/**
 * Expression helpers for text fields: where `{{ … }}` parts are (for highlighting) and what to offer
 * at the cursor (`$json`, `$trigger`, `$execution.id`, `$node("<earlier node>")`). Pure, tested alone.
 */
export interface TextSegment {
  text: string;
  expression: boolean;
}

/** Splits text into plain and `{{ … }}` parts (an unclosed `{{` runs to the end). */
export function splitExpressions(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let rest = text;
  while (rest) {
    const start = rest.indexOf("{{");
    if (start === -1) {
      segments.push({ text: rest, expression: false });
      break;
    }
    if (start > 0) segments.push({ text: rest.slice(0, start), expression: false });
    const end = rest.indexOf("}}", start + 2);
    const stop = end === -1 ? rest.length : end + 2;
    segments.push({ text: rest.slice(start, stop), expression: true });
    rest = rest.slice(stop);
  }
  return segments;
}

export const hasExpression = (text: string) => /\{\{[\s\S]*?\}\}/.test(text);

export interface Completion {
  label: string;
  insert: string;
  detail: string;
}

export function completionsFor(upstreamNames: string[]): Completion[] {
  return [
    { label: "$json", insert: "$json", detail: "Output of the previous node" },
    { label: "$trigger", insert: "$trigger", detail: "The trigger's payload" },
    { label: "$execution.id", insert: "$execution.id", detail: "This run's id" },
    ...upstreamNames.map((name) => ({
      label: `$node("${name}")`,
      insert: `$node(${JSON.stringify(name)})`,
      detail: `Output of ${name}`,
    })),
  ];
}

export interface CompletionQuery {
  /** Where the replaced token starts (the `$`, or the cursor after `{{`). */
  from: number;
  /** What has been typed of the token so far. */
  prefix: string;
  /** True inside `{{ }}`; outside, a picked completion is wrapped in `{{ }}`. */
  insideExpression: boolean;
}

/** What the cursor is on: a `$…` token, or the start of an expression just opened. Null: offer nothing. */
export function completionQueryAt(text: string, cursor: number): CompletionQuery | null {
  const before = text.slice(0, cursor);
  const open = before.lastIndexOf("{{");
  const insideExpression = open !== -1 && before.indexOf("}}", open) === -1;
  const token = /\$[\w.("]*$/.exec(before);
  if (token) return { from: cursor - token[0].length, prefix: token[0], insideExpression };
  if (insideExpression && /\{\{\s*$/.test(before)) return { from: cursor, prefix: "", insideExpression };
  return null;
}

export function filterCompletions(all: Completion[], prefix: string): Completion[] {
  const p = prefix.toLowerCase();
  return all.filter((c) => c.label.toLowerCase().startsWith(p) || c.insert.toLowerCase().startsWith(p));
}

/** The text after picking `completion` for `query`, and where the cursor goes. */
export function applyCompletion(
  text: string,
  cursor: number,
  query: CompletionQuery,
  completion: Completion,
): { text: string; cursor: number } {
  const insert = query.insideExpression ? completion.insert : `{{ ${completion.insert} }}`;
  const next = text.slice(0, query.from) + insert + text.slice(cursor);
  return { text: next, cursor: query.from + insert.length };
}
