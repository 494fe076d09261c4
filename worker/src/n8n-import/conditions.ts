/**
 * n8n conditions → one JSONata condition. Two forms exist in n8n exports:
 * - the filter form (IF v2+, Switch v3+, Filter v2+): `{ conditions: [{ leftValue, rightValue,
 *   operator: { type, operation } }], combinator: "and" | "or", options: { caseSensitive } }`;
 * - the older typed lists (IF v1, Switch v1/v2 rules): `{ string: [{ value1, operation, value2 }], … }`.
 */
import { UnsupportedSyntax } from "./js-expression";
import { not, type JsonataContext } from "./to-jsonata";
import { ExpressionNotConverted, operand } from "./values";

/** The older operation names, by their filter-form name. */
const OLD_OPERATIONS: Record<string, string> = {
  equal: "equals",
  notEqual: "notEquals",
  smaller: "lt",
  smallerEqual: "lte",
  larger: "gt",
  largerEqual: "gte",
  isEmpty: "empty",
  isNotEmpty: "notEmpty",
};

const COMPARE: Record<string, string> = {
  equals: "=",
  notEquals: "!=",
  gt: ">",
  lt: "<",
  gte: ">=",
  lte: "<=",
};
const NEGATED: Record<string, string> = {
  notContains: "contains",
  notStartsWith: "startsWith",
  notEndsWith: "endsWith",
  notRegex: "regex",
  notExists: "exists",
  notEmpty: "empty",
};

interface Comparison {
  type: string;
  operation: string;
  left: unknown;
  right: unknown;
  ignoreCase: boolean;
}

/** One comparison as JSONata; throws UnsupportedSyntax for an operation that has no equivalent. */
function compare(c: Comparison, ctx: JsonataContext): string {
  const operation = OLD_OPERATIONS[c.operation] ?? c.operation;
  if (NEGATED[operation]) return not(compare({ ...c, operation: NEGATED[operation] }, ctx));
  let l = operand(c.left, ctx);
  let r = operand(c.right, ctx);
  if (c.ignoreCase && c.type === "string") {
    l = `$lowercase(${l})`;
    r = `$lowercase(${r})`;
  }
  if (operation === "exists") return `($l := ${l}; $exists($l) and $l != null)`;
  if (operation === "empty") {
    if (c.type === "array") return `($count(${l}) = 0)`;
    if (c.type === "object") return `($count($keys(${l})) = 0)`;
    return `($l := ${l}; $not($exists($l)) or $l = null or $l = "")`;
  }
  if (c.type === "boolean") {
    if (operation === "true") return `(${l} = true)`;
    if (operation === "false") return `(${l} = false)`;
  }
  if (c.type === "dateTime") {
    const dates: Record<string, string> = {
      after: ">",
      before: "<",
      afterOrEquals: ">=",
      beforeOrEquals: "<=",
      equals: "=",
      notEquals: "!=",
    };
    if (dates[operation]) return `($toMillis(${l}) ${dates[operation]} $toMillis(${r}))`;
  }
  if (c.type === "array") {
    if (operation === "contains") return `(${r} in ${l})`;
    const lengths: Record<string, string> = {
      lengthEquals: "=",
      lengthNotEquals: "!=",
      lengthGt: ">",
      lengthLt: "<",
      lengthGte: ">=",
      lengthLte: "<=",
    };
    if (lengths[operation]) return `($count(${l}) ${lengths[operation]} ${r})`;
  }
  if (COMPARE[operation]) return `(${l} ${COMPARE[operation]} ${r})`;
  if (operation === "contains") return `$contains(${l}, ${r})`;
  if (operation === "startsWith") return `($l := ${l}; $r := ${r}; $substring($l, 0, $length($r)) = $r)`;
  if (operation === "endsWith")
    return `($l := ${l}; $r := ${r}; $length($l) >= $length($r) and $substring($l, $length($l) - $length($r)) = $r)`;
  if (operation === "regex") return `$contains(${l}, ${regexLiteral(c.right)})`;
  throw new UnsupportedSyntax(`the ${c.type} operation "${c.operation}" has no Nodebase equivalent`);
}

/** A literal pattern (`abc` or `/abc/i`) as a JSONata regex; a computed pattern cannot be converted. */
function regexLiteral(pattern: unknown): string {
  if (typeof pattern !== "string" || pattern.startsWith("="))
    throw new UnsupportedSyntax("a regex condition needs a literal pattern");
  const slashed = /^\/(.*)\/([gimsuy]*)$/s.exec(pattern);
  const body = slashed ? slashed[1] : pattern;
  const flags = (slashed?.[2] ?? "").replace(/[^im]/g, "");
  return `/${body.replace(/(?<!\\)\//g, "\\/")}/${flags}`;
}

/** Runs `build`, turning unsupported syntax into ExpressionNotConverted for the report. */
function guarded(what: string, build: () => string): string {
  try {
    return build();
  } catch (error) {
    if (error instanceof UnsupportedSyntax) throw new ExpressionNotConverted(what, error.message);
    throw error;
  }
}

interface FilterValue {
  conditions?: {
    leftValue?: unknown;
    rightValue?: unknown;
    operator?: { type?: string; operation?: string };
  }[];
  combinator?: string;
  options?: { caseSensitive?: boolean };
}

/** The filter form → `{{ … }}` (a condition parameter of ours). */
export function filterCondition(value: unknown, ctx: JsonataContext, ignoreCase = false): string {
  const filter = (value ?? {}) as FilterValue;
  const caseInsensitive = ignoreCase || filter.options?.caseSensitive === false;
  const parts = (filter.conditions ?? []).map((c) =>
    guarded(`${c.operator?.type}:${c.operator?.operation}`, () =>
      compare(
        {
          type: c.operator?.type ?? "string",
          operation: c.operator?.operation ?? "equals",
          left: c.leftValue,
          right: c.rightValue,
          ignoreCase: caseInsensitive,
        },
        ctx,
      ),
    ),
  );
  return joinConditions(parts, filter.combinator === "or" ? "or" : "and");
}

type OldConditions = Record<string, { value1?: unknown; operation?: string; value2?: unknown }[]>;

/** IF v1: typed lists combined with `combineOperation` "all" (default) or "any". */
export function oldCondition(conditions: unknown, combine: unknown, ctx: JsonataContext): string {
  const parts: string[] = [];
  for (const [type, list] of Object.entries((conditions ?? {}) as OldConditions)) {
    for (const c of Array.isArray(list) ? list : []) {
      const operation =
        c.operation ?? (type === "number" ? "smaller" : type === "dateTime" ? "after" : "equal");
      parts.push(
        guarded(`${type}:${operation}`, () =>
          compare({ type, operation, left: c.value1, right: c.value2, ignoreCase: false }, ctx),
        ),
      );
    }
  }
  return joinConditions(parts, combine === "any" ? "or" : "and");
}

/** Switch v1/v2: one rule compares the node's `value1` (of `dataType`) with the rule's `value2`. */
export function oldRuleCondition(
  dataType: string,
  value1: unknown,
  rule: { operation?: string; value2?: unknown },
  ctx: JsonataContext,
): string {
  const operation = rule.operation ?? (dataType === "number" ? "smaller" : "equal");
  return `{{ ${guarded(`${dataType}:${operation}`, () =>
    compare({ type: dataType, operation, left: value1, right: rule.value2, ignoreCase: false }, ctx),
  )} }}`;
}

function joinConditions(parts: string[], combinator: "and" | "or"): string {
  // n8n treats an empty condition list as true.
  if (parts.length === 0) return "{{ true }}";
  return `{{ ${parts.join(` ${combinator} `)} }}`;
}
