import { describe, expect, it } from "vitest";
import {
  ExpressionError,
  listExpressions,
  parseTemplate,
  resolveParameters,
  type ExpressionScope,
} from "./expressions";

const scope: ExpressionScope = {
  json: { n: 21, name: "Ada", tags: ["a", "b"], nested: { deep: { value: true } } },
  nodes: { Webhook: { body: { id: 7 } }, "Fetch user": { status: 200, body: { email: "ada@example.com" } } },
  trigger: { body: { id: 7 } },
  execution: { id: "exec-1", workflowId: "wf-1" },
};

const resolve = (params: unknown, s: ExpressionScope = scope) => resolveParameters(params, s, "Double");

async function expressionError(params: unknown): Promise<ExpressionError> {
  const error = await resolve(params).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExpressionError);
  return error as ExpressionError;
}

describe("parseTemplate", () => {
  it("splits text and expressions, keeping braces inside an expression", () => {
    expect(parseTemplate('a {{ $json.n }} b {{ {"x": {"y": 1}} }}')).toEqual([
      { text: "a " },
      { expression: "$json.n" },
      { text: " b " },
      { expression: '{"x": {"y": 1}}' },
    ]);
  });

  it("ignores }} inside JSONata strings and comments, and leaves an unclosed {{ as text", () => {
    expect(parseTemplate('{{ "}}" & /* }} */ "x" }}')).toEqual([{ expression: '"}}" & /* }} */ "x"' }]);
    expect(parseTemplate("price {{ oops")).toEqual([{ text: "price {{ oops" }]);
  });
});

describe("resolveParameters", () => {
  it("keeps the type of a string that is exactly one expression", async () => {
    expect(await resolve("{{ $json.n * 2 }}")).toBe(42);
    expect(await resolve("  {{ $json.nested }} ")).toEqual({ deep: { value: true } });
    expect(await resolve("{{ $json.tags }}")).toEqual(["a", "b"]);
    expect(await resolve("{{ $json.n > 20 }}")).toBe(true);
    expect(await resolve("{{ $json.missing }}")).toBeUndefined();
    expect(await resolve("{{ null }}")).toBeNull();
  });

  it("writes results into text: strings raw, objects as JSON, undefined as nothing", async () => {
    expect(await resolve("Hello {{ $json.name }}!")).toBe("Hello Ada!");
    expect(await resolve("n={{ $json.n }}, tags={{ $json.tags }}, x={{ $json.missing }}.")).toBe(
      'n=21, tags=["a","b"], x=.',
    );
    expect(await resolve("{{ $json.name }}{{ $json.n }}")).toBe("Ada21");
    expect(await resolve("{{ $json.nested }} ok")).toBe('{"deep":{"value":true}} ok');
  });

  it("uses $json as the root, so bare paths work", async () => {
    expect(await resolve("{{ n + 1 }}")).toBe(22);
  });

  it("walks nested objects and arrays, leaves keys and non-strings alone, and does not change the input", async () => {
    const params = {
      fields: { "{{ $json.name }}": "{{ $json.name }}", count: 3, flag: false, none: null },
      rules: [{ when: "{{ $json.n = 21 }}", output: "yes" }, { when: "{{ false }}" }],
    };
    const copy = structuredClone(params);
    expect(await resolve(params)).toEqual({
      fields: { "{{ $json.name }}": "Ada", count: 3, flag: false, none: null },
      rules: [{ when: true, output: "yes" }, { when: false }],
    });
    expect(params).toEqual(copy);
  });

  it("reads $node, $trigger and $execution", async () => {
    expect(await resolve('{{ $node("Fetch user").body.email }}')).toBe("ada@example.com");
    expect(await resolve("{{ $trigger.body.id }}")).toBe(7);
    expect(await resolve("{{ $execution.id }}/{{ $execution.workflowId }}")).toBe("exec-1/wf-1");
  });

  it("returns plain objects that serialise normally", async () => {
    const result = (await resolve('{{ {"a": $json.n, "list": [1, 2]} }}')) as object;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe('{"a":21,"list":[1,2]}');
  });

  it("names node, parameter path and expression when $node gets an unknown name", async () => {
    const error = await expressionError({ fields: { email: '{{ $node("Nope").body }}' } });
    expect(error.message).toContain('node "Double"');
    expect(error.message).toContain('parameter "fields.email"');
    expect(error.message).toContain('$node("Nope").body');
    expect(error.message).toContain(
      'no finished node has that name (finished nodes: "Webhook", "Fetch user")',
    );
    expect(error.parameterPath).toBe("fields.email");
  });

  it("reports syntax and evaluation errors with the array path", async () => {
    const syntax = await expressionError({ rules: [{ when: "{{ true }}" }, { when: "{{ $json.n * }}" }] });
    expect(syntax.parameterPath).toBe("rules[1].when");
    expect(syntax.expression).toBe("$json.n *");
    const typeError = await expressionError({ url: "x{{ $json.name * 2 }}" });
    expect(typeError.reason).toMatch(/number/i);
    expect((await expressionError("{{ }}")).reason).toBe("the expression is empty");
  });

  it("does not evaluate {{ }} that arrives inside data", async () => {
    const s = { ...scope, json: { text: "{{ $execution.id }}" } };
    expect(await resolve("{{ $json.text }}", s)).toBe("{{ $execution.id }}");
    expect(await resolve("say {{ $json.text }}", s)).toBe("say {{ $execution.id }}");
  });

  it("refuses a function as a value", async () => {
    const error = await expressionError("{{ function($x){ $x } }}");
    expect(error.reason).toBe("the expression produced a function, not a value");
  });
});

describe("hostile expressions", () => {
  const hostile = {
    json: JSON.parse('{"__proto__": {"polluted": "yes"}, "safe": 1}'),
    nodes: {},
    trigger: {},
    execution: { id: "e", workflowId: "w" },
  };

  async function outcome(expression: string): Promise<{ value?: unknown; error?: string }> {
    try {
      return { value: await resolveParameters(expression, hostile, "Evil") };
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      return { error: (error as ExpressionError).reason };
    }
  }

  it("cannot reach constructors, prototypes or globals", async () => {
    const attempts = [
      '{{ constructor.constructor("return process")() }}',
      '{{ $json.constructor.constructor("return globalThis")() }}',
      "{{ $json.constructor }}",
      '{{ $lookup($json, "constructor") }}',
      '{{ "x".constructor }}',
      '{{ {"a": 1}.constructor.prototype }}',
      "{{ $string.implementation }}",
      "{{ $node.constructor }}",
      "{{ globalThis }}",
      "{{ process.env }}",
      "{{ $process }}",
      "{{ $globalThis }}",
      '{{ $lookup({}, "__proto__") }}',
      '{{ $lookup(function(){1}, "environment") }}',
      "{{ $keys($string) }}",
      "{{ $spread($string) }}",
      "{{ $string($node) }}",
    ];
    for (const attempt of attempts) {
      const result = await outcome(attempt);
      // Inert: nothing, or the empty text JSONata makes of a function.
      if ("value" in result) expect([undefined, ""], attempt).toContain(result.value);
      else expect(typeof result.error, attempt).toBe("string");
    }
  });

  it("keeps a __proto__ key as data and never changes Object.prototype", async () => {
    expect(await outcome("{{ $json.__proto__.polluted }}")).toEqual({ value: "yes" });
    await outcome('{{ $merge([{}, {"__proto__": {"polluted": "yes"}}]) }}');
    await outcome('{{ ( $o := {"__proto__": {"polluted": "yes"}}; $o.polluted ) }}');
    await outcome('{{ $json ~> | $ | {"__proto__": {"polluted": "yes"}} | }}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  });

  it("refuses data dressed up as a JSONata function", async () => {
    const spoof = JSON.parse('{"f": {"_jsonata_function": true, "implementation": "x"}}');
    const error = (await resolveParameters('{{ $json.f("a") }}', { ...hostile, json: spoof }, "Evil").catch(
      (e: unknown) => e,
    )) as ExpressionError;
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.reason).toBe(
      'the data holds the reserved field "_jsonata_function", which expressions cannot read',
    );
  });

  it("switches $eval off", async () => {
    expect(await outcome('{{ $eval("1 + 1") }}')).toEqual({
      error: "$eval is not available in Nodebase expressions",
    });
  });

  it("stops endless tail recursion and deep recursion with a clean error", async () => {
    const tail = await outcome("{{ ( $f := function(){ $f() }; $f() ) }}");
    expect(tail.error).toMatch(/evaluation steps/);
    const deep = await outcome("{{ ( $f := function($n){ 1 + $f($n + 1) }; $f(0) ) }}");
    expect(deep.error).toMatch(/stack|depth|recursi/i);
  }, 60_000);

  it("pads like JSONata's $pad: widths in code points, either side, multi-character fills", async () => {
    expect(await resolve("{{ $pad('ab', 5, '-') }}")).toBe("ab---");
    expect(await resolve("{{ $pad('ab', -5, 'xy') }}")).toBe("xyxab");
    expect(await resolve("{{ $pad('ab', 4) }}")).toBe("ab  ");
    expect(await resolve("{{ $pad('abcdef', 3) }}")).toBe("abcdef");
    expect(await resolve("{{ $pad('😀', 3, '🎉') }}")).toBe("😀🎉🎉");
    expect(await resolve("{{ $pad('a', -4, '😀x') }}")).toBe("😀x😀a");
    expect(await resolve("{{ $length($pad('', 1999999, 'x')) }}")).toBe(1999999);
  });

  it("refuses values too large to build", async () => {
    expect((await outcome('{{ $pad("", 100000000) }}')).error).toMatch(/\$pad width/);
    expect((await outcome("{{ [1..10000000] }}")).error).toMatch(/1000000|exceed/);
    const doubling =
      "{{ ( $s := 'xxxxxxxxxxxxxxxx'; $d := function($t, $i){ $i = 0 ? $t : $d($t & $t, $i - 1) }; $d($s, 40) ) }}";
    expect((await outcome(doubling)).error).toMatch(/string longer than/);
  });

  // Issue 13: each string stays under the single-value cap, but 400 of them would hold ~800 MB.
  // CPU-heavy by design (it builds megabytes before the budget stops it): a hang is the failure, not a slow
  // machine, so it gets more than the default 5 s.
  it("stops an expression whose values add up past the memory budget", { timeout: 60_000 }, async () => {
    const many = await outcome("{{ $count([1..400].$pad('', 1999999, 'x')) }}");
    // Refused by $pad itself, before it builds the string that would not fit (8 fit in 16 M units).
    expect(many.error).toMatch(
      /\$pad to 1999999 characters would pass 16000000 .*memory budget per evaluation/,
    );
    expect((await outcome("{{ $count([1..3].$pad('', 1999999, 'x')) }}")).value).toBe(3);
    const objects = await outcome(
      "{{ $count([1..1000000].{ 'a': 1, 'b': 2, 'c': 3 }.[a, b, c, a, b, c, a, b, c]) }}",
    );
    expect(objects.error).toMatch(/memory budget per evaluation|evaluation steps/);
  });
});

describe("listExpressions", () => {
  it("lists each expression with its path and the $node names it references", () => {
    const found = listExpressions({
      url: 'https://x/{{ $node("Fetch user").body.id }}?q={{ $json.q }}',
      rules: [{ when: '{{ $node("A").ok and $node("B").ok }}' }],
      bad: "{{ 1 + }}",
    });
    expect(found.map(({ error, ...rest }) => ({ ...rest, failed: error !== undefined }))).toEqual([
      { path: "url", expression: '$node("Fetch user").body.id', nodeNames: ["Fetch user"], failed: false },
      { path: "url", expression: "$json.q", nodeNames: [], failed: false },
      {
        path: "rules[0].when",
        expression: '$node("A").ok and $node("B").ok',
        nodeNames: ["A", "B"],
        failed: false,
      },
      { path: "bad", expression: "1 +", nodeNames: [], failed: true },
    ]);
  });
});

describe("$item", () => {
  it("is the loop element with its index and the list's length inside a body", async () => {
    const inLoop = { ...scope, item: { value: { email: "a@x" }, index: 2, count: 5 } };
    expect(
      await resolve(
        { to: "{{ $item.value.email }}", n: "{{ $item.index + 1 }} of {{ $item.count }}" },
        inLoop,
      ),
    ).toEqual({ to: "a@x", n: "3 of 5" });
  });

  it("is undefined outside a loop", async () => {
    expect(await resolve({ v: "{{ $exists($item) }}" })).toEqual({ v: false });
  });
});
