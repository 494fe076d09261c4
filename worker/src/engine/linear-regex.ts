/**
 * The regex engine JSONata uses in our sandbox: RE2 (the `re2js` port), which matches in time linear in
 * the input. JavaScript's own RegExp backtracks, so `/^(a+)+$/` against 40 `a`s and a `!` runs for
 * minutes inside one evaluation step, where the step counter cannot interrupt it and every other request
 * on the isolate waits.
 *
 * JSONata 2 constructs `new RegexEngine(literal)` for each regex it evaluates and then only uses
 * `lastIndex` and `exec()`, so this class provides exactly that surface. What RE2 cannot express
 * (backreferences, lookahead, lookbehind) is refused with a clear error rather than run by the
 * backtracking engine.
 */
import { RE2JS } from "re2js";

/** Compiled patterns kept across evaluations (a `$match` inside a map over 10,000 items compiles once). */
const CACHE_SIZE = 200;
const compiled = new Map<string, RE2JS | Error>();

/** A regex in an expression that RE2 cannot run; the message says which construct is not supported. */
export class UnsupportedRegexError extends Error {
  constructor(source: string, reason: string) {
    super(
      `the regular expression /${source}/ cannot be used: ${reason} ` +
        `(expressions use RE2 syntax, which has no backreferences or lookaround, so a regex can never hang the server)`,
    );
    this.name = "UnsupportedRegexError";
  }
}

function compile(literal: RegExp): RE2JS {
  const key = `${literal.flags}/${literal.source}`;
  let entry = compiled.get(key);
  if (entry === undefined) {
    entry = compileUncached(literal);
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

function compileUncached(literal: RegExp): RE2JS | Error {
  // JSONata's tokenizer only allows the i and m flags (and always adds g, which we model with lastIndex).
  let flags = 0;
  if (literal.flags.includes("i")) flags |= RE2JS.CASE_INSENSITIVE;
  if (literal.flags.includes("m")) flags |= RE2JS.MULTILINE;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(literal.source), flags);
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return new UnsupportedRegexError(literal.source, reason);
  }
}

/** `RegExp`-shaped enough for JSONata: `lastIndex` plus a global `exec()` that moves it. */
export class LinearRegex {
  lastIndex = 0;
  readonly #pattern: RE2JS;

  constructor(literal: RegExp) {
    this.#pattern = compile(literal);
  }

  exec(input: string): RegExpExecArray | null {
    const matcher = this.#pattern.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input }) as RegExpExecArray;
    this.lastIndex = matcher.end();
    return result;
  }
}
