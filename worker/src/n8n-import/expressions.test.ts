import { describe, expect, it } from "vitest";
import { resolveParameters } from "../engine/expressions";
import type { JsonataContext } from "./to-jsonata";
import { convertTemplate, convertValue, ExpressionNotConverted } from "./values";

function context(
  paths: Record<string, (string | number)[]> = {},
  inputPath: (string | number)[] = [],
): JsonataContext {
  return { inputPath, nodePath: (name) => paths[name] ?? (name in known ? [] : undefined), notes: [] };
}
const known: Record<string, true> = { Webhook: true, "Edit Fields": true, HTTP: true };

/** Converts an n8n value and evaluates the result with our engine, as a node parameter would be. */
async function run(value: string, json: unknown, nodes: Record<string, unknown> = {}, ctx = context()) {
  const converted = convertValue(value, ctx);
  const out = await resolveParameters(
    { v: converted },
    { json, nodes, trigger: null, execution: { id: "x1", workflowId: "w1" } },
    "Node",
  );
  return (out as { v: unknown }).v;
}

describe("n8n expressions → ours", () => {
  it("keeps the value's type for a whole-string expression and writes text otherwise", async () => {
    expect(await run("={{ $json.body.n * 2 }}", { body: { n: 21 } })).toBe(42);
    expect(await run("=Hello {{ $json.name }}!", { name: "Ada" })).toBe("Hello Ada!");
    expect(convertValue("plain text", context())).toBe("plain text");
  });

  it("rewrites $('Name'), $node[\"Name\"] and $input to $node(…) and $json", async () => {
    const nodes = { Webhook: { body: { id: 7 } }, "Edit Fields": { total: 3 } };
    expect(await run("={{ $('Webhook').item.json.body.id }}", {}, nodes)).toBe(7);
    expect(await run("={{ $('Webhook').first().json.body.id + 1 }}", {}, nodes)).toBe(8);
    expect(await run('={{ $node["Edit Fields"].json.total }}', {}, nodes)).toBe(3);
    expect(await run("={{ $input.item.json.a }}", { a: "x" })).toBe("x");
    expect(await run("={{ $json['a b'] }}", { "a b": 5 })).toBe(5);
  });

  it("converts JavaScript operators, ternaries, templates and common methods", async () => {
    const json = { a: 3, b: 4, name: " Ada ", tags: ["x", "y"], s: "hello world", empty: "" };
    expect(await run("={{ $json.a === 3 && $json.b !== 3 }}", json)).toBe(true);
    expect(await run("={{ $json.a > 5 || $json.b >= 4 ? 'big' : 'small' }}", json)).toBe("big");
    expect(await run("={{ $json.empty || 'fallback' }}", json)).toBe("fallback");
    expect(await run("={{ 'Hi ' + $json.name.trim() }}", json)).toBe("Hi Ada");
    expect(await run("={{ `${$json.a}-${$json.b}` }}", json)).toBe("3-4");
    expect(await run("={{ $json.s.toUpperCase() }}", json)).toBe("HELLO WORLD");
    expect(await run("={{ $json.tags.length }}", json)).toBe(2);
    expect(await run("={{ $json.s.length }}", json)).toBe(11);
    expect(await run("={{ $json.tags.includes('y') }}", json)).toBe(true);
    expect(await run("={{ $json.s.includes('lo w') }}", json)).toBe(true);
    expect(await run("={{ $json.s.startsWith('hell') }}", json)).toBe(true);
    expect(await run("={{ $json.s.endsWith('xyz') }}", json)).toBe(false);
    expect(await run("={{ $json.tags.join(', ') }}", json)).toBe("x, y");
    expect(await run("={{ $json.s.split(' ')[1] }}", json)).toBe("world");
    expect(await run("={{ $json.s.replace('o', '0') }}", json)).toBe("hell0 world");
    expect(await run("={{ Math.round(2.5) + Math.max(1, $json.b) }}", json)).toBe(7);
    expect(await run("={{ !$json.missing }}", json)).toBe(true);
    expect(await run("={{ $json.user?.email ?? 'none' }}", json)).toBe("none");
    expect(await run("={{ (1.234).toFixed(2) }}", json)).toBe("1.23");
    expect(await run("={{ { total: $json.a * $json.b } }}", json)).toEqual({ total: 12 });
    expect(await run("={{ $execution.id + '/' + $workflow.id }}", json)).toBe("x1/w1");
  });

  it("reads an HTTP request's n8n item under our body", async () => {
    const ctx = context({ HTTP: ["body"] }, ["body"]);
    const json = { status: 200, body: { id: 9 } };
    expect(await run("={{ $json.id }}", json, { HTTP: json }, ctx)).toBe(9);
    expect(await run("={{ $('HTTP').item.json.id }}", json, { HTTP: json }, ctx)).toBe(9);
  });

  it("notes an approximation and refuses what has no equivalent", () => {
    const ctx = context();
    expect(convertTemplate("{{ $json.a + $json.b }}", ctx)).toBe("{{ ($json.a + $json.b) }}");
    expect(ctx.notes).toEqual([expect.stringContaining("'+' kept as addition")]);
    expect(context().notes).toEqual([]);
    for (const [source, reason] of [
      ["$json.items.map(i => i.id)", "arrow functions"],
      ["$('Webhook').all()", "needs .item.json"],
      ["DateTime.now()", "DateTime has no Nodebase equivalent"],
      ["$json.a; $json.b", "unexpected character ';'"],
      ["$env.SECRET", "$env has no Nodebase equivalent"],
    ]) {
      let error: unknown;
      try {
        convertTemplate(`{{ ${source} }}`, context());
      } catch (e) {
        error = e;
      }
      expect(error, source).toBeInstanceOf(ExpressionNotConverted);
      expect((error as Error).message, source).toContain(reason);
    }
  });

  it("notes a reference to a node that is not in the workflow", () => {
    const ctx = context();
    expect(convertTemplate("{{ $('Gone').item.json.x }}", ctx)).toBe('{{ $node("Gone").x }}');
    expect(ctx.notes).toEqual(['refers to a node named "Gone" that is not in the workflow']);
  });
});
