/**
 * A parser for the JavaScript that n8n puts between `{{ }}`: literals, names, member and index access
 * (also `?.`), calls, unary and binary operators, `?:`, arrays, objects and template strings. Anything
 * else (arrow functions, `new`, assignments, regex literals, statements) is refused with
 * `UnsupportedSyntax`, so that the converter reports it instead of guessing.
 */

export type JsNode =
  | { kind: "number"; value: number }
  | { kind: "string"; value: string }
  | { kind: "template"; parts: (string | JsNode)[] }
  | { kind: "literal"; value: boolean | null | undefined }
  | { kind: "name"; name: string }
  | { kind: "member"; object: JsNode; property: string }
  | { kind: "index"; object: JsNode; index: JsNode }
  | { kind: "call"; callee: JsNode; args: JsNode[] }
  | { kind: "unary"; operator: "!" | "-" | "+" | "typeof"; argument: JsNode }
  | { kind: "binary"; operator: string; left: JsNode; right: JsNode }
  | { kind: "conditional"; test: JsNode; consequent: JsNode; alternate: JsNode }
  | { kind: "array"; items: JsNode[] }
  | { kind: "object"; properties: [string, JsNode][] };

export class UnsupportedSyntax extends Error {}

type Token =
  | { type: "number"; value: number }
  | { type: "string"; value: string }
  | { type: "template"; raw: string }
  | { type: "name"; value: string }
  | { type: "punct"; value: string }
  | { type: "end" };

// Longest first, so that `===` wins over `==` and `=`.
const PUNCTUATORS = [
  "===",
  "!==",
  "...",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  "=>",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ".",
  "?",
  ":",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "<",
  ">",
  "=",
];
const REFUSED = new Map([
  ["=>", "arrow functions"],
  ["...", "spread (...)"],
  ["=", "assignments"],
]);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(char) || (char === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      const match = /^(?:0x[0-9a-f]+|\d*\.?\d+(?:e[+-]?\d+)?)/i.exec(source.slice(i))!;
      tokens.push({ type: "number", value: Number(match[0]) });
      i += match[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(char)) {
      const match = /^[A-Za-z0-9_$]+/.exec(source.slice(i))!;
      tokens.push({ type: "name", value: match[0] });
      i += match[0].length;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") {
      const end = closingQuote(source, i);
      const raw = source.slice(i + 1, end);
      tokens.push(char === "`" ? { type: "template", raw } : { type: "string", value: unescape(raw) });
      i = end + 1;
      continue;
    }
    const punct = PUNCTUATORS.find((p) => source.startsWith(p, i));
    if (!punct) throw new UnsupportedSyntax(`unexpected character '${char}'`);
    const refused = REFUSED.get(punct);
    if (refused) throw new UnsupportedSyntax(`${refused} cannot be converted`);
    tokens.push({ type: "punct", value: punct });
    i += punct.length;
  }
  tokens.push({ type: "end" });
  return tokens;
}

function closingQuote(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (quote === "`" && source.startsWith("${", i)) i = templateHoleEnd(source, i + 2);
    else if (source[i] === quote) return i;
  }
  throw new UnsupportedSyntax("a string is not closed");
}

/** Index of the `}` closing a `${` hole that starts at `from` (strings inside it are skipped). */
function templateHoleEnd(source: string, from: number): number {
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const char = source[i];
    if (char === '"' || char === "'" || char === "`") i = closingQuote(source, i);
    else if (char === "{") depth++;
    else if (char === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new UnsupportedSyntax("a template string hole ${…} is not closed");
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", 0: "\0" };

function unescape(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (_all, code: string) => {
    if (code.startsWith("u{")) return String.fromCodePoint(parseInt(code.slice(2, -1), 16));
    if (code.length > 1) return String.fromCharCode(parseInt(code.slice(1), 16));
    return ESCAPES[code] ?? code;
  });
}

function templateParts(raw: string): (string | JsNode)[] {
  const parts: (string | JsNode)[] = [];
  let text = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\") {
      text += unescape(raw.slice(i, i + 2));
      i++;
    } else if (raw.startsWith("${", i)) {
      const end = templateHoleEnd(raw, i + 2);
      if (text) parts.push(text);
      text = "";
      parts.push(parseJs(raw.slice(i + 2, end)));
      i = end;
    } else text += raw[i];
  }
  if (text) parts.push(text);
  return parts;
}

/** Binary operators by precedence, loosest first. */
const BINARY_LEVELS = [
  ["??"],
  ["||"],
  ["&&"],
  ["===", "!==", "==", "!="],
  ["<", ">", "<=", ">="],
  ["+", "-"],
  ["*", "/", "%"],
];

/** Parses one JavaScript expression; throws `UnsupportedSyntax` for anything outside the subset. */
export function parseJs(source: string): JsNode {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const isPunct = (value: string) => {
    const t = tokens[pos];
    return t.type === "punct" && t.value === value;
  };
  const expect = (value: string) => {
    if (!isPunct(value)) throw new UnsupportedSyntax(`expected '${value}'`);
    pos++;
  };

  function expression(): JsNode {
    const test = binary(0);
    if (!isPunct("?")) return test;
    pos++;
    const consequent = expression();
    expect(":");
    return { kind: "conditional", test, consequent, alternate: expression() };
  }

  function binary(level: number): JsNode {
    if (level === BINARY_LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t.type !== "punct" || !BINARY_LEVELS[level].includes(t.value)) return left;
      pos++;
      left = { kind: "binary", operator: t.value, left, right: binary(level + 1) };
    }
  }

  function unary(): JsNode {
    const t = peek();
    if (t.type === "punct" && (t.value === "!" || t.value === "-" || t.value === "+")) {
      pos++;
      return { kind: "unary", operator: t.value, argument: unary() };
    }
    if (t.type === "name" && t.value === "typeof") {
      pos++;
      return { kind: "unary", operator: "typeof", argument: unary() };
    }
    return postfix(primary());
  }

  function postfix(node: JsNode): JsNode {
    for (;;) {
      if (isPunct(".") || isPunct("?.")) {
        pos++;
        if (isPunct("(")) continue; // `f?.()`: the call follows
        if (isPunct("[")) continue; // `a?.[x]`: the index follows
        const t = peek();
        if (t.type !== "name") throw new UnsupportedSyntax("expected a property name after '.'");
        pos++;
        node = { kind: "member", object: node, property: t.value };
      } else if (isPunct("[")) {
        pos++;
        const index = expression();
        expect("]");
        node = { kind: "index", object: node, index };
      } else if (isPunct("(")) {
        pos++;
        node = { kind: "call", callee: node, args: list(")") };
      } else return node;
    }
  }

  function list(close: string): JsNode[] {
    const items: JsNode[] = [];
    while (!isPunct(close)) {
      items.push(expression());
      if (!isPunct(close)) expect(",");
    }
    pos++;
    return items;
  }

  function primary(): JsNode {
    const t = peek();
    pos++;
    switch (t.type) {
      case "number":
        return { kind: "number", value: t.value };
      case "string":
        return { kind: "string", value: t.value };
      case "template":
        return { kind: "template", parts: templateParts(t.raw) };
      case "name":
        return nameNode(t.value);
      case "punct":
        if (t.value === "(") {
          const inner = expression();
          expect(")");
          return inner;
        }
        if (t.value === "[") return { kind: "array", items: list("]") };
        if (t.value === "{") return objectLiteral();
        throw new UnsupportedSyntax(`unexpected '${t.value}'`);
      default:
        throw new UnsupportedSyntax("the expression ends too early");
    }
  }

  function nameNode(name: string): JsNode {
    if (name === "true" || name === "false") return { kind: "literal", value: name === "true" };
    if (name === "null") return { kind: "literal", value: null };
    if (name === "undefined") return { kind: "literal", value: undefined };
    if (
      ["new", "function", "await", "yield", "this", "class", "delete", "void", "in", "instanceof"].includes(
        name,
      )
    )
      throw new UnsupportedSyntax(`'${name}' cannot be converted`);
    return { kind: "name", name };
  }

  function objectLiteral(): JsNode {
    const properties: [string, JsNode][] = [];
    while (!isPunct("}")) {
      const key = peek();
      pos++;
      if (key.type !== "name" && key.type !== "string" && key.type !== "number")
        throw new UnsupportedSyntax("object keys must be names or strings");
      const name = String(key.value);
      if (isPunct(":")) {
        pos++;
        properties.push([name, expression()]);
      } else if (key.type === "name") properties.push([name, nameNode(name)]);
      else throw new UnsupportedSyntax("expected ':' in an object");
      if (!isPunct("}")) expect(",");
    }
    pos++;
    return { kind: "object", properties };
  }

  const result = expression();
  if (peek().type !== "end") throw new UnsupportedSyntax("only one expression is allowed between {{ }}");
  return result;
}
