/**
 * Evaluates one JSONata expression with no way out to JavaScript: the data it sees is copied into
 * null-prototype plain objects (no `constructor`, `__proto__` or functions to reach), the only JS
 * functions bound are ours, `$eval` is switched off, and evaluation is bounded in steps, depth and size.
 *
 * Why every guard: JSONata 2.2 already looks fields up with `hasOwnProperty`, but a future version, a
 * live object handed in by the engine, or a builtin that builds huge values must not be able to
 * hang or crash a step. Workers freeze `Date.now()` during CPU work, so a wall-clock timeout would never
 * fire; a step counter does.
 */
import jsonata from "jsonata";
import { LinearRegex } from "./linear-regex";

/** JSONata evaluation steps (one per AST node visited) per expression: transforming ~100k items, about 3 s of CPU. */
export const MAX_EVALUATION_STEPS = 1_000_000;
/** Nesting depth of evaluation (recursion that is not a tail call). */
export const MAX_EVALUATION_DEPTH = 500;
/** Longest array or sequence an expression may build. */
export const MAX_SEQUENCE_ITEMS = 1_000_000;
/** Longest string an expression may build (characters). */
export const MAX_STRING_LENGTH = 2_000_000;
/**
 * Total size of the values one evaluation may build: characters of every string plus items of every
 * list or object a step produces. The single-value caps above still allow 400 strings of 2 MB each
 * (~800 MB); this sum stops such an expression at ~32 MB of text.
 */
export const MAX_ALLOCATION_UNITS = 16_000_000;
/** Most nesting allowed in data copied in or out (JSON documents are not deeper than this in practice). */
const MAX_DATA_DEPTH = 200;
/** Compiled expressions kept; a workflow has a handful, the cache only avoids re-parsing them per node. */
const CACHE_SIZE = 500;

/** What an expression may see, already in the shape it will see it. */
export interface SandboxScope {
  json: unknown;
  trigger: unknown;
  execution: { id: string; workflowId: string };
  /** `$item` inside a loop body (`{ value, index, count }`), undefined elsewhere. */
  item?: unknown;
  /** `$node("Name")`: a finished node's output, or a thrown error for a name that did not run. */
  node(name: unknown): unknown;
  /** `$resumeUrl("event")`: the run's signed URL for that event. */
  resumeUrl?(event: unknown): Promise<string>;
}

/** A failure inside the sandbox, with the JSONata message (and position when the parser gave one). */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = "SandboxError";
  }
}

const STEPS = Symbol("nodebase.steps");
const ALLOCATED = Symbol("nodebase.allocated");
const EVALUATE_ENTRY = Symbol.for("jsonata.__evaluate_entry");
const EVALUATE_EXIT = Symbol.for("jsonata.__evaluate_exit");

interface EvaluationBase {
  [STEPS]?: number;
  [ALLOCATED]?: number;
}

/**
 * Steps whose result is a value already built elsewhere (a literal, a variable, a field of the data, a
 * branch of a condition): counting them would charge one string once per mention, not once per build.
 */
const NON_BUILDING_STEPS = new Set([
  "string",
  "number",
  "value",
  "regex",
  "variable",
  "name",
  "bind",
  "block",
  "condition",
]);

const compiled = new Map<string, jsonata.Expression | SandboxError>();

/** Parses `source` once; later calls with the same text reuse the compiled expression (or its error). */
export function compileExpression(source: string): jsonata.Expression {
  let entry = compiled.get(source);
  if (entry === undefined) {
    entry = compileUncached(source);
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
    compiled.set(source, entry);
  }
  if (entry instanceof SandboxError) throw entry;
  return entry;
}

function compileUncached(source: string): jsonata.Expression | SandboxError {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, {
      stack: MAX_EVALUATION_DEPTH,
      sequence: MAX_SEQUENCE_ITEMS,
      // RE2: linear-time matching, so no regex can backtrack for minutes inside one step.
      RegexEngine: LinearRegex as unknown as RegExpConstructor,
    });
  } catch (error) {
    return toSandboxError(error);
  }
  // Hooks JSONata calls around every evaluation step (its own extension point).
  expression.assign(EVALUATE_ENTRY as unknown as string, countStep);
  expression.assign(EVALUATE_EXIT as unknown as string, checkStepResult);
  // `$eval` parses and runs text taken from data: an expression injected through the data itself.
  expression.registerFunction(
    "eval",
    () => {
      throw new SandboxError("$eval is not available in Nodebase expressions");
    },
    "<sx?:x>",
  );
  // `$pad("", 1e9)` would allocate a gigabyte in one step, before any size check could run.
  expression.registerFunction("pad", boundedPad, "<s-ns?:s>");
  return expression;
}

function countStep(_expr: unknown, _input: unknown, environment: { base: EvaluationBase }): void {
  const base = environment.base;
  const steps = (base[STEPS] ?? 0) + 1;
  base[STEPS] = steps;
  if (steps > MAX_EVALUATION_STEPS) {
    throw new SandboxError(
      `the expression took more than ${MAX_EVALUATION_STEPS} evaluation steps (endless recursion or loop?)`,
    );
  }
}

function checkStepResult(
  expr: { type?: string },
  _input: unknown,
  environment: { base: EvaluationBase },
  result: unknown,
): void {
  let size = 0;
  if (typeof result === "string") {
    if (result.length > MAX_STRING_LENGTH) {
      throw new SandboxError(`the expression built a string longer than ${MAX_STRING_LENGTH} characters`);
    }
    size = result.length;
  } else if (Array.isArray(result)) {
    if (result.length > MAX_SEQUENCE_ITEMS) {
      throw new SandboxError(`the expression built an array longer than ${MAX_SEQUENCE_ITEMS} items`);
    }
    size = result.length;
  } else if (result !== null && typeof result === "object" && expr.type === "unary") {
    // An object constructor `{ … }`: its keys are new; objects passed through from the data are not.
    size = Object.keys(result).length;
  }
  if (size === 0 || NON_BUILDING_STEPS.has(expr.type ?? "")) return;
  const base = environment.base;
  const allocated = (base[ALLOCATED] ?? 0) + size;
  base[ALLOCATED] = allocated;
  if (allocated > MAX_ALLOCATION_UNITS) {
    throw new SandboxError(
      `the expression built more than ${MAX_ALLOCATION_UNITS} characters and list items in total (memory budget per evaluation)`,
    );
  }
}

/**
 * `$pad` as JSONata defines it (width in code points; negative pads on the left), built without spreading
 * megabyte strings into arrays, and refused before it builds anything that would pass the memory budget.
 * `this` is JSONata's focus (its own extension point for native functions).
 */
function boundedPad(this: jsonata.Focus, text: string, width: number, char?: string): string | undefined {
  if (text === undefined) return undefined;
  const target = Math.abs(width);
  if (target > MAX_STRING_LENGTH) {
    throw new SandboxError(`$pad width ${width} is larger than ${MAX_STRING_LENGTH}`);
  }
  const fill = char === undefined || char === "" ? " " : char;
  const length = codePointLength(text);
  if (length >= target) return text;
  const missing = target - length;
  // The exit hook adds the result to the budget once it exists; this refuses to build what would not fit.
  const base = (this?.environment as { base?: EvaluationBase } | undefined)?.base;
  const allocated = base?.[ALLOCATED] ?? 0;
  if (allocated + target > MAX_ALLOCATION_UNITS) {
    throw new SandboxError(
      `$pad to ${target} characters would pass ${MAX_ALLOCATION_UNITS} characters and list items in total (memory budget per evaluation)`,
    );
  }
  const fillLength = codePointLength(fill);
  let padding = fill.repeat(Math.ceil(missing / fillLength));
  // Cut to `missing` code points; with a one-unit fill that is a plain slice.
  padding = fillLength === fill.length ? padding.slice(0, missing) : cutCodePoints(padding, missing);
  return width > 0 ? text + padding : padding + text;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function cutCodePoints(text: string, count: number): string {
  let units = 0;
  let n = 0;
  for (const point of text) {
    if (n === count) break;
    units += point.length;
    n++;
  }
  return text.slice(0, units);
}

/** Runs a compiled expression against the scope; the result comes back as plain JSON-like data. */
export async function evaluateExpression(source: string, scope: SandboxScope): Promise<unknown> {
  const expression = compileExpression(source);
  const node = (name: unknown) => scope.node(name);
  const resumeUrl = (event: unknown) => {
    if (!scope.resumeUrl) throw new SandboxError(`$resumeUrl() is available only inside a run`);
    return scope.resumeUrl(event);
  };
  let result: unknown;
  try {
    result = await expression.evaluate(scope.json, {
      json: scope.json,
      trigger: scope.trigger,
      execution: scope.execution,
      item: scope.item,
      node,
      resumeUrl,
    });
  } catch (error) {
    throw toSandboxError(error);
  }
  return toPlainResult(result);
}

/**
 * A deep copy of JSON-like data into null-prototype objects: nothing inherited to look up, no
 * functions, no getters. Dates become ISO strings; other non-JSON values are dropped.
 */
export function toSandboxData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "object") return undefined;
  if (depth > MAX_DATA_DEPTH) throw new SandboxError(`data nested deeper than ${MAX_DATA_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => toSandboxData(item, depth + 1) ?? null);
  if (value instanceof Date) return value.toISOString();
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const raw = (value as Record<string, unknown>)[key];
    // JSONata recognises its own functions by these marker fields; data carrying them would be called.
    if ((key === "_jsonata_lambda" || key === "_jsonata_function") && raw === true) {
      throw new SandboxError(`the data holds the reserved field "${key}", which expressions cannot read`);
    }
    const item = toSandboxData(raw, depth + 1);
    // defineProperty, not assignment: a key named "__proto__" stays an ordinary own field.
    if (item !== undefined)
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true });
  }
  return copy;
}

/**
 * Turns what JSONata returned into ordinary data for the node: sequences become arrays, objects get the
 * normal prototype back (nodes and JSON.stringify expect it), and a function value is an error because
 * a parameter cannot hold one.
 */
function toPlainResult(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new SandboxError("the expression produced a number that is not finite");
    return value;
  }
  if (typeof value === "function" || isJsonataFunction(value)) {
    throw new SandboxError("the expression produced a function, not a value");
  }
  if (typeof value !== "object") return undefined;
  if (depth > MAX_DATA_DEPTH)
    throw new SandboxError(`the result is nested deeper than ${MAX_DATA_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => toPlainResult(item, depth + 1) ?? null);
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = toPlainResult((value as Record<string, unknown>)[key], depth + 1);
    if (item !== undefined)
      Object.defineProperty(plain, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return plain;
}

function isJsonataFunction(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const marked = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return marked._jsonata_lambda === true || marked._jsonata_function === true;
}

function toSandboxError(error: unknown): SandboxError {
  if (error instanceof SandboxError) return error;
  if (typeof error === "object" && error !== null) {
    const e = error as { message?: unknown; code?: unknown; position?: unknown };
    const message = typeof e.message === "string" && e.message !== "" ? e.message : `error ${String(e.code)}`;
    return new SandboxError(message, typeof e.position === "number" ? e.position : undefined);
  }
  return new SandboxError(String(error));
}
