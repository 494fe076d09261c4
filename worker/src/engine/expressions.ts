/**
 * Expressions in node parameters: `{{ … }}` inside any string, evaluated with JSONata in a sandbox
 * (expression-sandbox.ts). A string that is exactly one expression keeps the value's type
 * (`"{{ $json.n * 2 }}"` → 84); any other string gets each result written into the text.
 *
 * Bindings: `$json` (also the root, so `{{ n }}` means `{{ $json.n }}`), `$node("Name")`, `$trigger`,
 * `$execution.id`, `$execution.workflowId`, `$resumeUrl("event")` (engine/resume-links.ts), and inside a
 * loop body `$item` (`{ value, index, count }`).
 */
import jsonata from "jsonata";
import {
  compileExpression,
  evaluateExpression,
  SandboxError,
  toSandboxData,
  type SandboxScope,
} from "./expression-sandbox";

export interface ExpressionScope {
  /** `$json`: the output of the node that led here. */
  json: unknown;
  /** Outputs of the finished nodes, by node name (`$node("Name")`). */
  nodes: Record<string, unknown>;
  trigger: unknown;
  execution: { id: string; workflowId: string };
  /** `$item`: inside a loop body, the element being run; absent elsewhere. */
  item?: LoopItem;
  /** `$resumeUrl("event")`: this run's signed URL delivering that event; absent outside a run. */
  resumeUrl?: (event: string) => Promise<string>;
}

/** `$item` inside a loop body: the element, its index (from 0) and the length of the list. */
export interface LoopItem {
  value: unknown;
  index: number;
  count: number;
}

/** An expression that did not parse or failed to evaluate; the message names node, parameter and expression. */
export class ExpressionError extends Error {
  constructor(
    readonly nodeName: string,
    /** Where in the parameters, e.g. `fields.doubled` or `rules[1].when`. */
    readonly parameterPath: string,
    /** The expression text between `{{` and `}}`. */
    readonly expression: string,
    readonly reason: string,
  ) {
    super(
      `Expression error in node "${nodeName}", parameter "${parameterPath || "(root)"}", {{ ${expression} }}: ${reason}`,
    );
    this.name = "ExpressionError";
  }
}

/** One piece of a parameter string: literal text or the source of a `{{ }}` expression. */
export type TemplatePart = { text: string } | { expression: string };

/**
 * Splits a string into text and `{{ }}` expressions. The end of an expression is the first `}}` outside
 * JSONata strings, comments and braces, so `{{ {"a": {"b": 1}} }}` is one expression. A `{{` with no
 * end stays literal text.
 */
export function parseTemplate(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let textStart = 0;
  let index = value.indexOf("{{");
  while (index !== -1) {
    const end = findExpressionEnd(value, index + 2);
    if (end === -1) break;
    if (index > textStart) parts.push({ text: value.slice(textStart, index) });
    parts.push({ expression: value.slice(index + 2, end).trim() });
    textStart = end + 2;
    index = value.indexOf("{{", textStart);
  }
  if (textStart < value.length) parts.push({ text: value.slice(textStart) });
  return parts;
}

function findExpressionEnd(value: string, from: number): number {
  let depth = 0;
  for (let i = from; i < value.length; i++) {
    const char = value[i];
    if (char === '"' || char === "'" || char === "`") {
      i = skipQuoted(value, i, char);
      if (i === -1) return -1;
    } else if (char === "/" && value[i + 1] === "*") {
      const close = value.indexOf("*/", i + 2);
      if (close === -1) return -1;
      i = close + 1;
    } else if (char === "{") {
      depth++;
    } else if (char === "}") {
      if (depth === 0 && value[i + 1] === "}") return i;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

function skipQuoted(value: string, start: number, quote: string): number {
  for (let i = start + 1; i < value.length; i++) {
    if (value[i] === "\\" && quote !== "`") i++;
    else if (value[i] === quote) return i;
  }
  return -1;
}

/** True when the string holds at least one `{{ }}` expression. */
export function hasExpression(value: string): boolean {
  return parseTemplate(value).some((part) => "expression" in part);
}

/**
 * Evaluates every `{{ }}` in `params` (objects and arrays walked recursively, keys left alone) and returns
 * a new value; `params` is not changed. Throws `ExpressionError` naming the node, the parameter path and
 * the expression.
 */
export async function resolveParameters(
  params: unknown,
  scope: ExpressionScope,
  nodeName: string,
): Promise<unknown> {
  return resolveValue(params, "", new LazySandboxScope(scope), nodeName);
}

async function resolveValue(
  value: unknown,
  path: string,
  scope: LazySandboxScope,
  nodeName: string,
): Promise<unknown> {
  if (typeof value === "string") return resolveString(value, path, scope, nodeName);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++)
      items.push(await resolveValue(value[i], `${path}[${i}]`, scope, nodeName));
    return items;
  }
  if (value !== null && typeof value === "object") {
    const resolved: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const next = await resolveValue(item, path === "" ? key : `${path}.${key}`, scope, nodeName);
      Object.defineProperty(resolved, key, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return resolved;
  }
  return value;
}

async function resolveString(
  value: string,
  path: string,
  scope: LazySandboxScope,
  nodeName: string,
): Promise<unknown> {
  const parts = parseTemplate(value);
  const expressions = parts.filter((part): part is { expression: string } => "expression" in part);
  if (expressions.length === 0) return value;
  const onlyOne =
    expressions.length === 1 && parts.every((part) => "expression" in part || part.text.trim() === "");
  if (onlyOne) return evaluateOne(expressions[0].expression, path, scope, nodeName);
  let text = "";
  for (const part of parts) {
    if ("text" in part) text += part.text;
    else text += toText(await evaluateOne(part.expression, path, scope, nodeName));
  }
  return text;
}

async function evaluateOne(
  source: string,
  path: string,
  scope: LazySandboxScope,
  nodeName: string,
): Promise<unknown> {
  if (source === "") throw new ExpressionError(nodeName, path, source, "the expression is empty");
  try {
    return await evaluateExpression(source, scope);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExpressionError(nodeName, path, source, reason);
  }
}

/** How a result is written into surrounding text: strings as they are, nothing for undefined, else JSON. */
function toText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * The scope as the sandbox sees it, copied only when first used: most parameters have no expression, and
 * `$node("X")` copies only the node asked for.
 */
class LazySandboxScope implements SandboxScope {
  #json?: { value: unknown };
  #trigger?: { value: unknown };
  #execution?: { id: string; workflowId: string };
  #item?: { value: unknown };
  readonly #nodes = new Map<string, unknown>();

  constructor(private readonly scope: ExpressionScope) {}

  get json(): unknown {
    this.#json ??= { value: toSandboxData(this.scope.json) };
    return this.#json.value;
  }

  get trigger(): unknown {
    this.#trigger ??= { value: toSandboxData(this.scope.trigger) };
    return this.#trigger.value;
  }

  get execution(): { id: string; workflowId: string } {
    this.#execution ??= toSandboxData(this.scope.execution) as { id: string; workflowId: string };
    return this.#execution;
  }

  get item(): unknown {
    this.#item ??= { value: this.scope.item === undefined ? undefined : toSandboxData(this.scope.item) };
    return this.#item.value;
  }

  node(name: unknown): unknown {
    if (typeof name !== "string") throw new SandboxError(`$node() takes a node name (a string)`);
    if (!this.#nodes.has(name)) {
      if (!Object.hasOwn(this.scope.nodes, name)) {
        const known = Object.keys(this.scope.nodes);
        const list = known.length === 0 ? "none" : known.map((n) => `"${n}"`).join(", ");
        throw new SandboxError(`$node("${name}"): no finished node has that name (finished nodes: ${list})`);
      }
      this.#nodes.set(name, toSandboxData(this.scope.nodes[name]));
    }
    return this.#nodes.get(name);
  }

  async resumeUrl(event: unknown): Promise<string> {
    if (typeof event !== "string") throw new SandboxError(`$resumeUrl() takes an event name (a string)`);
    if (!this.scope.resumeUrl) throw new SandboxError(`$resumeUrl() is available only inside a run`);
    try {
      return await this.scope.resumeUrl(event);
    } catch (err) {
      throw new SandboxError(err instanceof Error ? err.message : String(err));
    }
  }
}

/** One `{{ }}` found in a parameter value, and the node names it references with `$node("…")`. */
export interface ExpressionReference {
  path: string;
  expression: string;
  nodeNames: string[];
  /** The parse error, when the expression does not compile. */
  error?: string;
}

/** Lists every expression in a parameter value (for the editor: which `$node("X")` names are used). */
export function listExpressions(params: unknown): ExpressionReference[] {
  const found: ExpressionReference[] = [];
  walkStrings(params, "", (text, path) => {
    for (const part of parseTemplate(text)) {
      if (!("expression" in part)) continue;
      try {
        const names = new Set<string>();
        collectNodeNames(compileExpression(part.expression).ast(), names, new Set());
        found.push({ path, expression: part.expression, nodeNames: [...names] });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        found.push({ path, expression: part.expression, nodeNames: [], error: message });
      }
    }
  });
  return found;
}

function walkStrings(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value))
      walkStrings(item, path === "" ? key : `${path}.${key}`, visit);
  }
}

/** Finds `$node("literal")` calls anywhere in a JSONata syntax tree. */
function collectNodeNames(ast: unknown, names: Set<string>, seen: Set<object>): void {
  // The tree can share nodes (JSONata links ancestors and slots), so visit each object once.
  if (ast === null || typeof ast !== "object" || seen.has(ast)) return;
  seen.add(ast);
  if (Array.isArray(ast)) {
    for (const item of ast) collectNodeNames(item, names, seen);
    return;
  }
  const node = ast as jsonata.ExprNode;
  if (node.type === "function" && node.procedure?.type === "variable" && node.procedure.value === "node") {
    const first = node.arguments?.[0];
    if (first?.type === "string" && typeof first.value === "string") names.add(first.value);
  }
  for (const child of Object.values(node)) {
    collectNodeNames(child, names, seen);
  }
}
