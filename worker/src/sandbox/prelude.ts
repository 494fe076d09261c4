/**
 * The JavaScript that runs first inside each QuickJS context, before the user's code. It takes the
 * host's few functions off the global object (so the user's code cannot reach them), defines `console`
 * and `$node`, compiles the user's code as the body of an async function, and turns whatever happens into
 * one JSON string: `{ ok: true, output }` or `{ ok: false, error }`. The host only ever reads that string.
 *
 * Built-ins are captured up front, so code that replaces `JSON.stringify` or `Array.prototype.map` can
 * only garble its own output, never the protocol. Everything here runs under the same CPU and memory
 * limits as the user's code.
 */

/** Lines the wrapper adds before the user's first line (`new AsyncFunction(...)` puts its header there). */
export const CODE_LINE_OFFSET = 2;

export const PRELUDE = String.raw`"use strict";
(() => {
  const host = globalThis.__nodebase;
  delete globalThis.__nodebase;
  const { input, node, nodeNames, log, source } = host;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const isArray = Array.isArray;
  const keys = Object.keys;
  const create = Object.create;
  const freeze = Object.freeze;
  const MapType = Map;
  const SetType = Set;
  const WeakSetType = WeakSet;
  const ErrorType = Error;
  const isFinite = Number.isFinite;
  const LINE_OFFSET = ${CODE_LINE_OFFSET};
  const code = source();
  const codeLines = code.split("\n").length;

  function lineOf(error) {
    // The user's code is compiled from "<input>"; the first such frame is where it failed.
    const match = /<input>:(\d+)/.exec(String((error && error.stack) || ""));
    if (!match) return "";
    const line = Number(match[1]) - LINE_OFFSET;
    // The wrapper closes the function on the line after the code: an error there is at the end.
    if (line > codeLines) return " (at the end of the code)";
    return line > 0 ? " (line " + line + ")" : "";
  }

  // A readable text for any value, used by console.* and for thrown non-Error values.
  function describe(value) {
    if (typeof value === "string") return value;
    if (value === undefined) return "undefined";
    if (typeof value === "function") return "[Function " + (value.name || "anonymous") + "]";
    if (typeof value === "bigint") return value + "n";
    if (typeof value === "symbol") return value.toString();
    if (value instanceof ErrorType) return value.name + ": " + value.message;
    const seen = new WeakSetType();
    try {
      return stringify(value, (key, v) => {
        if (typeof v === "bigint") return v + "n";
        if (typeof v === "function") return "[Function " + (v.name || "anonymous") + "]";
        if (v === undefined) return "undefined";
        if (v !== null && typeof v === "object") {
          if (seen.has(v)) return "[Circular]";
          seen.add(v);
        }
        return v;
      });
    } catch (e) {
      return String(value);
    }
  }

  const consoleObject = {};
  for (const level of ["log", "info", "warn", "error"]) {
    consoleObject[level] = (...args) => {
      let text = "";
      for (let i = 0; i < args.length; i++) text += (i ? " " : "") + describe(args[i]);
      log(level, text);
    };
  }
  consoleObject.debug = consoleObject.log;
  globalThis.console = freeze(consoleObject);

  const data = parse(input());
  const nodeCache = new MapType();
  function $node(name) {
    if (typeof name !== "string") throw new TypeError("$node() takes a node name (a string)");
    if (!nodeCache.has(name)) {
      const text = node(name);
      if (text === undefined) {
        const known = parse(nodeNames());
        throw new ErrorType("$node(" + stringify(name) + "): no finished node has that name (finished nodes: " +
          (known.length ? known.map((n) => stringify(n)).join(", ") : "none") + ")");
      }
      nodeCache.set(name, parse(text));
    }
    return nodeCache.get(name);
  }

  class NotJson extends ErrorType {}
  function fail(path, what) {
    return new NotJson("the returned value " + (path ? "at " + path + " " : "") + what);
  }
  // A plain copy of the returned value, refusing what JSON cannot carry. Objects are copied into
  // null-prototype objects, so a key named "__proto__" stays an ordinary key.
  function plain(value, path, ancestors) {
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") {
      if (!isFinite(value)) throw fail(path, "is " + value + ", which JSON cannot carry");
      return value;
    }
    if (value === undefined) throw fail(path, "is undefined");
    if (typeof value === "function") throw fail(path, "is a function");
    if (typeof value === "bigint") throw fail(path, "is a BigInt (convert it with String() or Number())");
    if (typeof value === "symbol") throw fail(path, "is a Symbol");
    if (value instanceof MapType || value instanceof SetType)
      throw fail(path, "is a Map or Set (convert it with Object.fromEntries() or Array.from())");
    if (typeof value.toJSON === "function") return plain(value.toJSON(), path, ancestors);
    if (ancestors.includes(value)) throw fail(path, "refers back to an object that contains it (a cycle)");
    ancestors.push(value);
    let copy;
    if (isArray(value)) {
      copy = [];
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        copy.push(item === undefined ? null : plain(item, path + "[" + i + "]", ancestors));
      }
    } else {
      copy = create(null);
      for (const key of keys(value)) {
        const item = value[key];
        // Like JSON.stringify: a field whose value is undefined is left out.
        if (item !== undefined) copy[key] = plain(item, path ? path + "." + key : key, ancestors);
      }
    }
    ancestors.pop();
    return copy;
  }

  function failure(error) {
    if (error instanceof NotJson) return stringify({ ok: false, error: "Code must return JSON: " + error.message });
    if (error instanceof ErrorType) {
      return stringify({ ok: false, error: error.name + ": " + error.message + lineOf(error) });
    }
    const text = typeof error === "string" ? stringify(error) : describe(error);
    return stringify({ ok: false, error: "Code threw a non-Error value: " + text });
  }

  const AsyncFunction = (async () => {}).constructor;
  let body;
  try {
    body = new AsyncFunction("$json", "$node", "$trigger", "$execution", "$item", code);
  } catch (error) {
    return Promise.resolve(failure(error));
  }
  return body(data.json, $node, data.trigger, data.execution, data.item).then(
    (value) => {
      try {
        if (value === undefined) {
          return stringify({ ok: false, error: "Code returned nothing: end it with return and a JSON value, e.g. return { total };" });
        }
        return stringify({ ok: true, output: plain(value, "", []) });
      } catch (error) {
        if (error instanceof RangeError) return stringify({ ok: false, error: "Code must return JSON: the returned value is nested too deeply" });
        return failure(error);
      }
    },
    failure,
  );
})()`;
