/**
 * n8n parameter values → ours. In n8n a string that starts with `=` is an expression string: the rest is
 * text with `{{ JavaScript }}` holes. Each hole becomes a `{{ JSONata }}` hole (to-jsonata.ts); text
 * stays text. Strings without `=` are plain text. Objects and lists are converted field by field.
 */
import { compileExpression } from "../engine/expression-sandbox";
import { parseTemplate } from "../engine/expressions";
import { parseJs, UnsupportedSyntax } from "./js-expression";
import { toJsonata, type JsonataContext } from "./to-jsonata";

/** An expression that cannot be converted: the node it is in is not converted either. */
export class ExpressionNotConverted extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`{{ ${expression} }}: ${reason}`);
  }
}

export function isExpressionString(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("=");
}

/** Converts one n8n JavaScript expression (the text inside `{{ }}`) to JSONata. */
export function convertExpression(source: string, ctx: JsonataContext): string {
  let text: string;
  try {
    text = toJsonata(parseJs(source), ctx);
  } catch (error) {
    if (error instanceof UnsupportedSyntax) throw new ExpressionNotConverted(source, error.message);
    throw error;
  }
  try {
    compileExpression(text);
  } catch (error) {
    throw new ExpressionNotConverted(
      source,
      `the converted form does not parse (${(error as Error).message})`,
    );
  }
  return text;
}

/** Converts an n8n expression string (`=…`) or plain value, deep. */
export function convertValue(value: unknown, ctx: JsonataContext): unknown {
  if (isExpressionString(value)) return convertTemplate(value.slice(1), ctx);
  if (Array.isArray(value)) return value.map((v) => convertValue(v, ctx));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertValue(v, ctx)]));
  }
  return value;
}

/** `text {{ js }} text` → `text {{ jsonata }} text`. */
export function convertTemplate(template: string, ctx: JsonataContext): string {
  return parseTemplate(template)
    .map((part) => ("text" in part ? part.text : `{{ ${convertExpression(part.expression, ctx)} }}`))
    .join("");
}

/**
 * The JSONata for a value used as a condition operand: an expression string's single hole as it is,
 * a template with text as a text, a literal as a literal.
 */
export function operand(value: unknown, ctx: JsonataContext): string {
  if (isExpressionString(value)) {
    const parts = parseTemplate(value.slice(1));
    if (parts.length === 1 && "expression" in parts[0])
      return `(${convertExpression(parts[0].expression, ctx)})`;
    const pieces = parts.map((p) =>
      "text" in p ? JSON.stringify(p.text) : `$string(${convertExpression(p.expression, ctx)})`,
    );
    return `(${pieces.join(" & ") || '""'})`;
  }
  if (value === undefined) return "null";
  return JSON.stringify(value);
}

/** Reads n8n's resource-locator values (`{ __rl: true, value, mode }`) and plain values alike. */
export function locatorValue(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "__rl" in value)
    return (value as { value?: unknown }).value;
  return value;
}

export function locatorName(value: unknown): string | undefined {
  if (value !== null && typeof value === "object" && "cachedResultName" in value) {
    const name = (value as { cachedResultName?: unknown }).cachedResultName;
    return typeof name === "string" ? name : undefined;
  }
  return undefined;
}
