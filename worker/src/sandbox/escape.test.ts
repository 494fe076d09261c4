/**
 * Code that tries to get out of the sandbox. Each test fails if the sandbox leaks: it looks for something
 * the host has (a planted global, the echo server's request counter, the host's prototypes) from inside.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCode, type CodeInputs } from "./run-code";

const echo = inject("echoServerUrl");
const inputs: CodeInputs = { json: {}, trigger: {}, execution: { id: "e1", workflowId: "w1" }, nodes: {} };
const run = (code: string, timeoutMs = 2000) => runCode(code, inputs, { timeoutMs });
const output = async (code: string) => {
  const outcome = await run(code);
  if (!outcome.ok) throw new Error(`expected success, got: ${outcome.error}`);
  return outcome.output;
};

/** A value only the host isolate has; found from inside, it means the sandbox shares the host's globals. */
const PLANTED = "planted-host-secret-7f3a";
beforeAll(() => {
  (globalThis as Record<string, unknown>).plantedHostSecret = PLANTED;
});
afterAll(() => {
  delete (globalThis as Record<string, unknown>).plantedHostSecret;
});

/** Every name reachable from globalThis (own properties and prototypes, 4 levels deep), and every string value. */
const WALK = `
  const names = new Set(), strings = new Set(), seen = new Set();
  function walk(value, depth) {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
      if (typeof value === "string") strings.add(value);
      return;
    }
    if (seen.has(value) || depth > 4) return;
    seen.add(value);
    walk(Object.getPrototypeOf(value), depth + 1);
    for (const name of Object.getOwnPropertyNames(value)) {
      names.add(name);
      let child;
      try { child = value[name]; } catch (e) { continue; }
      walk(child, depth + 1);
    }
  }
  walk(ROOT, 0);
  return { names: [...names], strings: [...strings] };
`;

describe("escape attempts (each fails if the sandbox leaks)", () => {
  it("the global object holds only ECMAScript built-ins and what the sandbox defines", async () => {
    const names = (await output("return Object.getOwnPropertyNames(globalThis);")) as string[];
    const standard = new Set([
      ...["Object", "Function", "Array", "Number", "Boolean", "String", "Symbol", "BigInt", "Math", "JSON"],
      ...["Reflect", "Proxy", "Promise", "Date", "RegExp", "Map", "Set", "WeakMap", "WeakSet", "WeakRef"],
      ...["FinalizationRegistry", "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Iterator"],
      ...["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array"],
      ...["Uint32Array", "BigInt64Array", "BigUint64Array", "Float16Array", "Float32Array", "Float64Array"],
      ...["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"],
      ...["AggregateError", "InternalError", "SuppressedError", "DisposableStack", "AsyncDisposableStack"],
      ...["parseInt", "parseFloat", "isNaN", "isFinite", "decodeURI", "decodeURIComponent", "encodeURI"],
      ...["encodeURIComponent", "escape", "unescape", "Infinity", "NaN", "undefined", "eval", "globalThis"],
      ...["console", "performance", "queueMicrotask", "structuredClone"],
    ]);
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => !standard.has(n))).toEqual([]);
    for (const hostOnly of ["fetch", "process", "require", "WebAssembly", "caches", "crypto", "__nodebase"]) {
      expect(names).not.toContain(hostOnly);
    }
  });

  it("constructor.constructor reaches only the sandbox's own Function", async () => {
    const result = await output(`
      const F = (function () {}).constructor.constructor;
      const G = $node.constructor.constructor("return this")();
      const viaError = (() => { try { null.x; } catch (e) { return e.constructor.constructor("return this")(); } })();
      const viaAsync = (async () => {}).constructor("return this");
      return {
        fetch: typeof F("return typeof fetch")() === "string" ? F("return typeof fetch")() : "?",
        process: F("return typeof process")(),
        planted: F("return globalThis.plantedHostSecret")() ?? null,
        sameGlobal: G === globalThis && viaError === globalThis,
        asyncIsFunction: typeof viaAsync,
        console: F("return console === globalThis.console")(),
      };`);
    expect(result).toEqual({
      fetch: "undefined",
      process: "undefined",
      planted: null,
      sameGlobal: true,
      asyncIsFunction: "function",
      console: true,
    });
  });

  it("a walk of everything reachable from globalThis finds no host global, binding or secret", async () => {
    const { names, strings } = (await output(WALK.replace("ROOT", "globalThis"))) as {
      names: string[];
      strings: string[];
    };
    expect(names).toContain("stringify"); // the walk does reach the built-ins
    expect(names).toContain("log"); // and console
    const hostNames = [
      "plantedHostSecret",
      "fetch",
      "connect",
      "DB",
      "RUN_WORKFLOW",
      "RUN_ROOM",
      "AUTH_SECRET",
    ];
    for (const name of [...hostNames, "CREDENTIAL_KEYS", "__nodebase", "input", "nodeNames", "env"]) {
      expect(names).not.toContain(name);
    }
    expect(strings).not.toContain(PLANTED);
    for (const value of Object.values(env)) {
      if (typeof value === "string" && value.length > 8) expect(strings).not.toContain(value);
    }
  });

  it("the functions the sandbox defines lead nowhere else ($node, console)", async () => {
    const { names } = (await output(
      WALK.replace("walk(ROOT, 0);", "walk($node, 0); walk(console, 0); walk(console.log, 0);"),
    )) as { names: string[] };
    expect(names).toContain("constructor");
    for (const name of ["__nodebase", "input", "source", "nodeNames", "plantedHostSecret", "fetch"]) {
      expect(names).not.toContain(name);
    }
  });

  it("process, require, module and Node's globals are not defined", async () => {
    const result = await output(`
      const out = {};
      for (const name of ["process", "require", "module", "exports", "Buffer", "global", "__dirname", "setTimeout", "setInterval", "navigator", "scheduler"]) {
        try { out[name] = eval("typeof " + name); } catch (e) { out[name] = e.name; }
      }
      try { process.env.AUTH_SECRET; out.env = "reached"; } catch (e) { out.env = e.name; }
      try { require("fs"); out.fs = "reached"; } catch (e) { out.fs = e.name; }
      return out;`);
    expect(result).toEqual({
      process: "undefined",
      require: "undefined",
      module: "undefined",
      exports: "undefined",
      Buffer: "undefined",
      global: "undefined",
      __dirname: "undefined",
      setTimeout: "undefined",
      setInterval: "undefined",
      navigator: "undefined",
      scheduler: "undefined",
      env: "ReferenceError",
      fs: "ReferenceError",
    });
  });

  it("import() loads no module: not cloudflare:sockets, node:fs, data: or the Worker's own", async () => {
    const result = (await output(`
      const out = [];
      for (const spec of ["cloudflare:sockets", "cloudflare:workers", "node:fs", "data:text/javascript,export default 1", "./index.js", "${echo}/probe/import"]) {
        try { await import(spec); out.push(spec + ": loaded"); } catch (e) { out.push(spec + ": " + e.name); }
      }
      return out;`)) as string[];
    expect(result.every((line) => !line.endsWith(": loaded"))).toBe(true);
    expect(result).toHaveLength(6);
  });

  it("no request reaches a local server: fetch, connect, XMLHttpRequest, WebSocket, sendBeacon", async () => {
    const key = `sandbox-${crypto.randomUUID()}`;
    const hits = async (k: string) =>
      ((await (await fetch(`${echo}/probe-hits/${k}`)).json()) as { hits: number }).hits;
    // The counter works: a request from the host is counted.
    await fetch(`${echo}/probe/${key}-control`);
    expect(await hits(`${key}-control`)).toBe(1);
    const result = (await output(`
      const url = "${echo}/probe/${key}";
      const attempts = {
        fetch: () => fetch(url),
        globalFetch: () => globalThis.fetch(url),
        viaFunction: () => Function("return fetch")()(url),
        connect: () => connect("127.0.0.1:80"),
        sockets: () => import("cloudflare:sockets").then((m) => m.connect(url)),
        xhr: () => new XMLHttpRequest().open("GET", url),
        webSocket: () => new WebSocket(url),
        beacon: () => navigator.sendBeacon(url),
      };
      const out = {};
      for (const [name, attempt] of Object.entries(attempts)) {
        try { await attempt(); out[name] = "sent"; } catch (e) { out[name] = e.name; }
      }
      return out;`)) as Record<string, string>;
    expect(Object.values(result).filter((r) => r === "sent")).toEqual([]);
    expect(await hits(key)).toBe(0);
  });

  it("WebAssembly is not there to compile or instantiate, under any name", async () => {
    const result = await output(`
      const out = {};
      try { out.direct = typeof WebAssembly; } catch (e) { out.direct = e.name; }
      try { out.viaFunction = typeof Function("return this")().WebAssembly; } catch (e) { out.viaFunction = e.name; }
      // The smallest valid module: "\\0asm", version 1.
      try { new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); out.compiled = true; } catch (e) { out.compiled = e.name; }
      return out;`);
    expect(result).toEqual({ direct: "undefined", viaFunction: "undefined", compiled: "ReferenceError" });
  });

  it("prototype pollution stays inside the run: not in the host, not in the next run", async () => {
    const polluted = await run(`
      Object.prototype.polluted = "yes";
      Array.prototype.map = () => "hijacked";
      JSON.parse = () => ({ hijacked: true });
      JSON.stringify = () => '{"ok":true,"output":"forged"}';
      globalThis.leftBehind = "from run 1";
      return JSON.parse("{}");`);
    // The result protocol used the built-ins captured before the code ran.
    expect(polluted).toMatchObject({ ok: true, output: { hijacked: true } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([1, 2].map((n) => n * 2)).toEqual([2, 4]);
    expect(JSON.parse('{"a":1}')).toEqual({ a: 1 });
    const next = await output(`
      return { polluted: ({}).polluted ?? null, map: [1].map((n) => n + 1), leftBehind: globalThis.leftBehind ?? null };`);
    expect(next).toEqual({ polluted: null, map: [2], leftBehind: null });
  });

  it("a __proto__ key in the returned value is an ordinary key in the host", async () => {
    const result = (await output(
      'return JSON.parse(\'{"__proto__": {"polluted": true}, "a": 1}\');',
    )) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result.polluted).toBeUndefined();
    expect(Object.keys(result)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("limits that really stop the code", () => {
  it("stops while (true) {} at the time limit, and the next run works", async () => {
    const started = Date.now();
    const outcome = await run("while (true) {}", 300);
    // Not earlier: where the clock moves (here), the operation budget does not cut the limit short.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(outcome).toEqual({
      ok: false,
      limit: "time",
      error: "Code ran longer than its time limit (timeoutMs 300) and was stopped",
      logs: [],
    });
    expect(await output("return 1 + 1;")).toBe(2);
  });

  it("stops an endless loop that catches errors, an async loop and catastrophic backtracking", async () => {
    for (const code of [
      "for (;;) { try { while (true) {} } catch (e) {} }",
      "for (;;) await null;",
      "return /(a+)+$/.test('a'.repeat(40) + 'b');",
    ]) {
      expect(await run(code, 300)).toMatchObject({ ok: false, limit: "time" });
    }
  });

  it(
    "fails a 1 GB allocation, and memory that grows to the limit, with a memory error",
    { timeout: 60_000 },
    async () => {
      for (const code of [
        "return new Uint8Array(1024 * 1024 * 1024).length;",
        "return new ArrayBuffer(2 ** 30).byteLength;",
        "const keep = []; for (;;) keep.push(new Float64Array(1 << 20));",
        "const keep = []; for (let i = 0; ; i++) keep.push('x'.repeat(1 << 20) + i);",
        "const keep = []; for (let i = 0; ; i++) keep.push([i, i + 1, { i }]);",
        "const keep = []; for (;;) keep.push(new Array(1e6).fill(7));",
      ]) {
        const outcome = await run(code, 20_000);
        expect(outcome, code).toMatchObject({
          ok: false,
          limit: "memory",
          error: "Code ran out of memory (limit 64 MB) and was stopped",
        });
      }
      // Below the limit, big allocations work, also right after a run that hit it.
      expect(await output("return new Uint8Array(32 * 1024 * 1024).length;")).toBe(32 * 1024 * 1024);
    },
  );
});
