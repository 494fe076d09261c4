import { describe, expect, it } from "vitest";
import { MAX_LINE_CHARS, MAX_LINES } from "./console-lines";
import { runCode, type CodeInputs } from "./run-code";

const inputs: CodeInputs = {
  json: { n: 21, list: [1, 2, 3] },
  trigger: { body: { from: "webhook" } },
  execution: { id: "exec-1", workflowId: "wf-1" },
  nodes: { Start: { started: true }, "Fetch users": [{ id: 1 }, { id: 2 }] },
};
const run = (code: string, overrides: Partial<CodeInputs> = {}, timeoutMs = 2000) =>
  runCode(code, { ...inputs, ...overrides }, { timeoutMs });

describe("runCode: what the code sees and returns", () => {
  it("runs the body of an async function over plain data and returns its JSON", async () => {
    const outcome = await run(`
      const users = $node("Fetch users");
      await null;
      return {
        doubled: $json.n * 2,
        sum: $json.list.reduce((a, b) => a + b, 0),
        users: users.length,
        started: $node("Start").started,
        from: $trigger.body.from,
        execution: $execution,
        item: typeof $item,
      };`);
    expect(outcome).toEqual({
      ok: true,
      output: {
        doubled: 42,
        sum: 6,
        users: 2,
        started: true,
        from: "webhook",
        execution: { id: "exec-1", workflowId: "wf-1" },
        item: "undefined",
      },
      logs: [],
    });
  });

  it("sees $item inside a loop body", async () => {
    const outcome = await run("return $item;", { item: { value: "b", index: 1, count: 3 } });
    expect(outcome).toMatchObject({ ok: true, output: { value: "b", index: 1, count: 3 } });
  });

  it("names the finished nodes when $node() asks for an unknown one", async () => {
    const outcome = await run('return $node("Nope");');
    expect(outcome).toMatchObject({
      ok: false,
      error:
        'Error: $node("Nope"): no finished node has that name (finished nodes: "Start", "Fetch users") (line 1)',
    });
  });

  it("changes to $json stay inside the run", async () => {
    const json = { n: 1 };
    const outcome = await run("$json.n = 99; $json.added = true; return $json;", { json });
    expect(outcome).toMatchObject({ ok: true, output: { n: 99, added: true } });
    expect(json).toEqual({ n: 1 });
  });

  it("converts dates with toJSON and leaves out undefined fields, like JSON.stringify", async () => {
    const outcome = await run("return { at: new Date(0), gone: undefined, list: [undefined, 1] };");
    expect(outcome).toMatchObject({ ok: true, output: { at: "1970-01-01T00:00:00.000Z", list: [null, 1] } });
    expect(Object.keys((outcome as { output: object }).output)).toEqual(["at", "list"]);
  });
});

describe("runCode: console lines", () => {
  it("records console.log/info/warn/error lines with their level, objects as JSON", async () => {
    const outcome = await run(`
      console.log("total", 3, { a: 1 }, [1, "x"]);
      console.info("info");
      console.warn("careful", undefined, null);
      console.error(new TypeError("bad"));
      const self = {}; self.self = self;
      console.log(self, () => 1, 10n);
      return 1;`);
    expect(outcome.logs).toEqual([
      { level: "log", message: 'total 3 {"a":1} [1,"x"]' },
      { level: "info", message: "info" },
      { level: "warn", message: "careful undefined null" },
      { level: "error", message: "TypeError: bad" },
      { level: "log", message: '{"self":"[Circular]"} [Function anonymous] 10n' },
    ]);
  });

  it(`keeps at most ${MAX_LINES} lines of ${MAX_LINE_CHARS} characters and says how many were dropped`, async () => {
    const outcome = await run(`
      for (let i = 0; i < 250; i++) console.log("line " + i);
      return 1;`);
    expect(outcome.logs).toHaveLength(MAX_LINES + 1);
    expect(outcome.logs[0]).toEqual({ level: "log", message: "line 0" });
    expect(outcome.logs[MAX_LINES - 1]).toEqual({ level: "log", message: `line ${MAX_LINES - 1}` });
    expect(outcome.logs[MAX_LINES]).toEqual({
      level: "warn",
      message: `… 50 more console lines not recorded (limit ${MAX_LINES})`,
    });
    const long = await run('console.log("y".repeat(5000)); return 1;');
    expect(long.logs[0].message.startsWith("y".repeat(MAX_LINE_CHARS) + "…")).toBe(true);
    expect(long.logs[0].message.length).toBeLessThan(MAX_LINE_CHARS + 60);
  });

  it("keeps the lines printed before the code failed", async () => {
    const outcome = await run('console.log("before"); throw new Error("boom");');
    expect(outcome).toEqual({
      ok: false,
      error: "Error: boom (line 1)",
      logs: [{ level: "log", message: "before" }],
    });
  });
});

describe("runCode: errors are clear node errors", () => {
  it.each([
    ["return () => 1;", "Code must return JSON: the returned value is a function"],
    ["return { a: { f() {} } };", "Code must return JSON: the returned value at a.f is a function"],
    [
      "const a = { b: {} }; a.b.c = a; return a;",
      "Code must return JSON: the returned value at b.c refers back to an object that contains it (a cycle)",
    ],
    [
      "return 10n;",
      "Code must return JSON: the returned value is a BigInt (convert it with String() or Number())",
    ],
    ["return [Symbol('s')];", "Code must return JSON: the returned value at [0] is a Symbol"],
    [
      "return { n: 0 / 0 };",
      "Code must return JSON: the returned value at n is NaN, which JSON cannot carry",
    ],
    [
      "return new Map([[1, 2]]);",
      "Code must return JSON: the returned value is a Map or Set (convert it with Object.fromEntries() or Array.from())",
    ],
    ["const x = 1;", "Code returned nothing: end it with return and a JSON value, e.g. return { total };"],
  ])("%s", async (code, error) => {
    expect(await run(code)).toEqual({ ok: false, error, logs: [] });
  });

  it.each([
    ['throw "plain text";', 'Code threw a non-Error value: "plain text"'],
    ["throw 42;", "Code threw a non-Error value: 42"],
    ["throw null;", "Code threw a non-Error value: null"],
    ["throw undefined;", "Code threw a non-Error value: undefined"],
    ["throw { code: 7 };", 'Code threw a non-Error value: {"code":7}'],
    ["await Promise.reject('nope');", 'Code threw a non-Error value: "nope"'],
    ["const a = 1;\n\nnull.x;", "TypeError: cannot read property 'x' of null (line 3)"],
    ["return (", "SyntaxError: unexpected token in expression: '}' (at the end of the code)"],
    [
      "const a = 1;\nconst a = 2;\nreturn a;",
      "SyntaxError: invalid redefinition of lexical identifier (line 2)",
    ],
  ])("%s", async (code, error) => {
    expect(await run(code)).toEqual({ ok: false, error, logs: [] });
  });

  it("fails a promise that nothing can resolve instead of waiting", async () => {
    expect(await run("await new Promise(() => {}); return 1;")).toMatchObject({
      ok: false,
      error: "Code never finished: it awaits a promise that nothing resolves",
    });
  });

  it("reports deep recursion as a stack overflow the code may catch", async () => {
    expect(await run("function f() { return f(); } return f();")).toMatchObject({
      ok: false,
      error: "InternalError: stack overflow (line 1)",
    });
    expect(
      await run("function f() { return f(); } try { f(); } catch (e) { return 'caught'; }"),
    ).toMatchObject({
      ok: true,
      output: "caught",
    });
  });
});
