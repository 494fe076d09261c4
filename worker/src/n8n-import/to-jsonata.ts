/**
 * Writes a parsed n8n expression (js-expression.ts) as a Nodebase expression (JSONata). Only what keeps
 * its meaning is written; anything else throws `UnsupportedSyntax` with the reason. Where the meaning is
 * close but not the same (e.g. `+` between two fields, which JavaScript may use to join text), a note
 * says so and the expression still converts.
 *
 * n8n's data references become ours: `$json.x`, `$input.item.json.x` → `$json.x`;
 * `$('Name').item.json.x`, `$node["Name"].json.x` → `$node("Name").x`. `dataPath` adds the path at
 * which a node's n8n item lives in our output (an HTTP request's n8n item is our `body`).
 */
import { UnsupportedSyntax, type JsNode } from "./js-expression";

export interface JsonataContext {
  /** Where the n8n item of the node feeding `$json` lives in its Nodebase output (`["body"]`). */
  inputPath: readonly (string | number)[];
  /** The same for a node referenced by name; undefined when no node of the workflow has that name. */
  nodePath(name: string): readonly (string | number)[] | undefined;
  /** Approximations found while writing (shown in the import report). */
  notes: string[];
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JSONATA_WORDS = new Set(["and", "or", "in", "true", "false", "null", "function"]);

function field(name: string): string {
  if (FIELD.test(name) && !JSONATA_WORDS.has(name)) return name;
  if (name.includes("`"))
    throw new UnsupportedSyntax(`the field name ${JSON.stringify(name)} has a backtick`);
  return `\`${name}\``;
}

function withPath(base: string, path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, step) => (typeof step === "number" ? `${text}[${step}]` : `${text}.${field(step)}`),
    base,
  );
}

/** What an n8n reference chain denotes while it is being read left to right. */
type Ref =
  | { kind: "item"; data: string }
  | { kind: "node"; name: string }
  | { kind: "input" }
  | { kind: "data"; text: string };

const ITEM_PICKS = new Set(["item", "first", "last", "itemMatching"]);

export function toJsonata(node: JsNode, ctx: JsonataContext): string {
  const text = write(node);
  return text;

  function nodeData(name: string): string {
    const path = ctx.nodePath(name);
    if (!path) ctx.notes.push(`refers to a node named "${name}" that is not in the workflow`);
    return withPath(`$node(${JSON.stringify(name)})`, path ?? []);
  }

  /** Reads n8n's reference forms; undefined when `n` is an ordinary value. */
  function ref(n: JsNode): Ref | undefined {
    if (n.kind === "name") {
      if (n.name === "$json") return { kind: "data", text: withPath("$json", ctx.inputPath) };
      if (n.name === "$input") return { kind: "input" };
      return undefined;
    }
    if (n.kind === "call" && n.callee.kind === "name" && n.callee.name === "$") {
      const [arg] = n.args;
      if (n.args.length !== 1 || arg.kind !== "string")
        throw new UnsupportedSyntax("$() takes one node name");
      return { kind: "node", name: arg.value };
    }
    // `$node["Name"]` and `$node.Name`: the old form, already the item.
    if (n.kind === "index" && n.object.kind === "name" && n.object.name === "$node") {
      if (n.index.kind !== "string")
        throw new UnsupportedSyntax('$node[…] takes a node name, e.g. $node["Set"]');
      return { kind: "item", data: nodeData(n.index.value) };
    }
    if (n.kind === "member" && n.object.kind === "name" && n.object.name === "$node")
      return { kind: "item", data: nodeData(n.property) };
    const picked = pick(n);
    if (picked) return picked;
    if (n.kind === "member" && n.property === "json") {
      const inner = ref(n.object);
      if (inner?.kind === "item") return { kind: "data", text: inner.data };
    }
    return undefined;
  }

  /** `.item`, `.first()`, `.last()`, `.itemMatching(i)` on `$input` or `$('Name')`. */
  function pick(n: JsNode): Ref | undefined {
    const member = n.kind === "call" ? n.callee : n;
    if (member.kind !== "member" || !ITEM_PICKS.has(member.property)) return undefined;
    if ((member.property === "item") !== (n.kind === "member")) return undefined;
    const owner = ref(member.object);
    if (owner?.kind === "input") return { kind: "item", data: withPath("$json", ctx.inputPath) };
    if (owner?.kind === "node") {
      if (member.property !== "item" && member.property !== "first")
        ctx.notes.push(
          `$('${owner.name}').${member.property}() reads the node's only output (Nodebase nodes output one value)`,
        );
      return { kind: "item", data: nodeData(owner.name) };
    }
    return undefined;
  }

  function write(n: JsNode): string {
    const r = ref(n);
    if (r?.kind === "data") return r.text;
    if (r) throw new UnsupportedSyntax(describeRef(r));
    switch (n.kind) {
      case "number":
        return String(n.value);
      case "string":
        return JSON.stringify(n.value);
      case "literal":
        if (n.value === undefined) {
          ctx.notes.push("undefined became null");
          return "null";
        }
        return String(n.value);
      case "template":
        return `(${n.parts.map((p) => (typeof p === "string" ? JSON.stringify(p) : `$string(${write(p)})`)).join(" & ") || '""'})`;
      case "array":
        return `[${n.items.map(write).join(", ")}]`;
      case "object":
        return `{${n.properties.map(([k, v]) => `${JSON.stringify(k)}: ${write(v)}`).join(", ")}}`;
      case "conditional":
        return `(${write(n.test)} ? ${write(n.consequent)} : ${write(n.alternate)})`;
      case "unary":
        return unary(n.operator, n.argument);
      case "binary":
        return binary(n.operator, n.left, n.right);
      case "member":
        return member(n.object, n.property);
      case "index":
        return index(n.object, n.index);
      case "call":
        return call(n.callee, n.args);
      case "name":
        return globalName(n.name);
    }
  }

  function describeRef(r: Ref): string {
    if (r.kind === "node") return `$('${r.name}') needs .item.json, .first().json or .last().json`;
    if (r.kind === "input")
      return "$input needs .item.json, .first().json or .last().json ($input.all() is a list of items)";
    return "an n8n item needs .json (binary data is not imported)";
  }

  function globalName(name: string): string {
    if (name === "$now") return "$now()";
    if (name === "$today") {
      ctx.notes.push("$today became today's date at midnight UTC");
      return '$substring($now(), 0, 10) & "T00:00:00.000Z"';
    }
    if (name === "$itemIndex" || name === "$runIndex") {
      ctx.notes.push(`${name} became 0 (Nodebase nodes run once per input)`);
      return "0";
    }
    throw new UnsupportedSyntax(`${name} has no Nodebase equivalent`);
  }

  function unary(operator: string, argument: JsNode): string {
    if (operator === "!") return not(write(argument));
    if (operator === "-") return `-(${write(argument)})`;
    if (operator === "+") return `$number(${write(argument)})`;
    throw new UnsupportedSyntax("typeof cannot be converted");
  }

  function binary(operator: string, left: JsNode, right: JsNode): string {
    const l = write(left);
    const r = write(right);
    switch (operator) {
      case "===":
      case "==":
        return `(${l} = ${r})`;
      case "!==":
      case "!=":
        return `(${l} != ${r})`;
      case "&&":
        return `(${l} and ${r})`;
      case "||":
        return `(${l} ?: ${r})`;
      case "??":
        return `($exists(${l}) and ${l} != null ? ${l} : ${r})`;
      case "+":
        if (isText(left) || isText(right)) return `(${l} & ${r})`;
        if (!isNumber(left) && !isNumber(right))
          ctx.notes.push(`'+' kept as addition in ${l} + ${r} (if these are texts, join them with &)`);
        return `(${l} + ${r})`;
      default:
        return `(${l} ${operator} ${r})`;
    }
  }

  function member(object: JsNode, property: string): string {
    if (object.kind === "name" && object.name === "$execution") {
      if (property === "id") return "$execution.id";
      throw new UnsupportedSyntax(`$execution.${property} has no Nodebase equivalent ($execution.id has)`);
    }
    if (object.kind === "name" && object.name === "$workflow") {
      if (property === "id") return "$execution.workflowId";
      throw new UnsupportedSyntax(`$workflow.${property} has no Nodebase equivalent ($workflow.id has)`);
    }
    if (object.kind === "name" && object.name === "$now" && property === "toISO") return "$now";
    const base = write(object);
    if (property === "length") return `($v := ${base}; $type($v) = "string" ? $length($v) : $count($v))`;
    return `${base}.${field(property)}`;
  }

  function index(object: JsNode, at: JsNode): string {
    const base = write(object);
    if (at.kind === "string") return `${base}.${field(at.value)}`;
    if (at.kind === "number") return `${base}[${at.value}]`;
    ctx.notes.push(`the computed key in ${base}[…] is read as a field name`);
    return `$lookup(${base}, ${write(at)})`;
  }

  function call(callee: JsNode, args: JsNode[]): string {
    const a = () => args.map(write);
    if (callee.kind === "name") return functionCall(callee.name, a());
    if (callee.kind !== "member")
      throw new UnsupportedSyntax("only named functions and methods can be called");
    const { object, property } = callee;
    if (
      object.kind === "name" &&
      (object.name === "Math" || object.name === "JSON" || object.name === "Object")
    )
      return staticCall(`${object.name}.${property}`, a());
    if (object.kind === "name" && object.name === "$now" && (property === "toISO" || property === "toString"))
      return "$now()";
    return method(write(object), property, a());
  }

  function functionCall(name: string, args: string[]): string {
    switch (name) {
      case "String":
        return `$string(${args[0]})`;
      case "Number":
      case "parseFloat":
        return `$number(${args[0]})`;
      case "parseInt":
        return `$floor($number(${args[0]}))`;
      case "Boolean":
        return `$boolean(${args[0]})`;
      case "encodeURIComponent":
        return `$encodeUrlComponent(${args[0]})`;
      case "decodeURIComponent":
        return `$decodeUrlComponent(${args[0]})`;
      default:
        throw new UnsupportedSyntax(`${name}() has no Nodebase equivalent`);
    }
  }

  function staticCall(name: string, args: string[]): string {
    const simple: Record<string, string> = {
      "Math.floor": "$floor",
      "Math.ceil": "$ceil",
      "Math.abs": "$abs",
      "Math.sqrt": "$sqrt",
      "Math.pow": "$power",
      "JSON.stringify": "$string",
      "Object.keys": "$keys",
    };
    if (simple[name]) return `${simple[name]}(${args.join(", ")})`;
    if (name === "Math.round") return `$floor(${args[0]} + 0.5)`;
    if (name === "Math.max" || name === "Math.min") return `$${name.slice(5)}([${args.join(", ")}])`;
    if (name === "Math.random") return "$random()";
    throw new UnsupportedSyntax(`${name}() has no Nodebase equivalent`);
  }

  function method(receiver: string, name: string, args: string[]): string {
    const [first, second] = args;
    switch (name) {
      case "toUpperCase":
        return `$uppercase(${receiver})`;
      case "toLowerCase":
        return `$lowercase(${receiver})`;
      case "trim":
        return `$trim(${receiver})`;
      case "toString":
        return `$string(${receiver})`;
      case "includes":
        return `($v := ${receiver}; $type($v) = "array" ? (${first} in $v) : $contains($v, ${first}))`;
      case "startsWith":
        return `($v := ${receiver}; $w := ${first}; $substring($v, 0, $length($w)) = $w)`;
      case "endsWith":
        return `($v := ${receiver}; $w := ${first}; $length($v) >= $length($w) and $substring($v, $length($v) - $length($w)) = $w)`;
      case "split":
        return `$split(${receiver}, ${first})`;
      case "join":
        return `$join(${receiver}, ${first ?? '","'})`;
      case "replace":
        return `$replace(${receiver}, ${first}, ${second}, 1)`;
      case "replaceAll":
        return `$replace(${receiver}, ${first}, ${second})`;
      case "toFixed":
        if (!/^\d+$/.test(first ?? "0"))
          throw new UnsupportedSyntax("toFixed() needs a literal number of digits");
        return `$formatNumber(${receiver}, "0${Number(first ?? 0) > 0 ? "." + "0".repeat(Number(first)) : ""}")`;
      default:
        throw new UnsupportedSyntax(`.${name}() has no Nodebase equivalent`);
    }
  }
}

/** JavaScript's `!`: also true for a missing value (JSONata's `$not` of nothing is nothing). */
export function not(value: string): string {
  return `($v := ${value}; $exists($v) ? $not($v) : true)`;
}

function isText(n: JsNode): boolean {
  return (
    n.kind === "string" ||
    n.kind === "template" ||
    (n.kind === "binary" && n.operator === "+" && (isText(n.left) || isText(n.right)))
  );
}

function isNumber(n: JsNode): boolean {
  return n.kind === "number" || (n.kind === "binary" && ["-", "*", "/", "%"].includes(n.operator));
}
