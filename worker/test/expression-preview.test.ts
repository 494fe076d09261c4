/**
 * `POST /api/expressions/preview`: the editor's live preview, evaluated by the engine's own evaluator with
 * its sandbox limits, against the bindings the editor sends (web/src/editor/expression-preview.ts).
 */
import { describe, expect, it } from "vitest";
import { call, signUp } from "./helpers";

const scope = {
  json: { n: 21, who: "Ada" },
  nodes: { Start: { n: 21, who: "Ada" }, Double: { doubled: 42 } },
  trigger: { n: 21, who: "Ada" },
  execution: { id: "x1", workflowId: "w1" },
};

describe("POST /api/expressions/preview", { timeout: 30_000 }, () => {
  async function preview(text: string, s: unknown = scope) {
    const user = await signUp();
    const res = await user.fetch("/api/expressions/preview", {
      method: "POST",
      json: { text, nodeName: "Double", scope: s },
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  it("evaluates with the engine's rules: one expression keeps its type, text gets each result", async () => {
    expect(await preview("{{ $json.n * 2 }}")).toEqual({ kind: "value", text: "42" });
    expect(await preview('Hi {{ $node("Start").who }}!')).toEqual({ kind: "value", text: "Hi Ada!" });
    expect(await preview("{{ $trigger }}")).toEqual({ kind: "value", text: '{"n":21,"who":"Ada"}' });
  });

  it("resolves a JSON value's expressions as a run does and answers the JSON, indented", async () => {
    const user = await signUp();
    const ask = async (body: Record<string, unknown>) => {
      const res = await user.fetch("/api/expressions/preview", { method: "POST", json: body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const body = {
      to: '{{ $node("Start").who }}',
      amount: "{{ $json.n * 2 }}",
      tags: ["x", "{{ $json.n }}"],
    };
    expect(await ask({ value: body, nodeName: "Pay", scope })).toEqual({
      status: 200,
      body: { kind: "value", text: JSON.stringify({ to: "Ada", amount: 42, tags: ["x", 21] }, null, 2) },
    });
    // Broken syntax inside is found without run data; otherwise only the syntax is checked.
    const broken = await ask({ value: { a: "{{ $json.n * }}" }, nodeName: "Pay", scope: null });
    expect(broken.body).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/^\{\{ \$json\.n \* \}\}: /),
    });
    expect((await ask({ value: body, nodeName: "Pay", scope: null })).body).toEqual({ kind: "noData" });
    // One of the two, never both or neither.
    expect((await ask({ text: "{{ 1 }}", value: body, nodeName: "Pay", scope })).status).toBe(400);
    expect((await ask({ nodeName: "Pay", scope })).status).toBe(400);
  });

  it("says why a broken expression fails, with or without run data", async () => {
    const broken = (await preview("{{ $json.n * }}", null)) as { kind: string; message: string };
    expect(broken.kind).toBe("error");
    expect(broken.message).toMatch(/^\{\{ \$json\.n \* \}\}: /);
    expect(await preview('{{ $node("Nope").x }}')).toEqual({
      kind: "error",
      message: expect.stringContaining('no finished node has that name (finished nodes: "Start", "Double")'),
    });
  });

  it("checks only the syntax when there is no run data", async () => {
    expect(await preview("{{ $json.n * 2 }}", null)).toEqual({ kind: "noData" });
  });

  it("is bounded by the sandbox: a runaway expression fails instead of holding the server", async () => {
    expect(((await preview("{{ $count([1..10000000]) }}")) as { kind: string }).kind).toBe("error");
  });

  it("cuts long values to one short line", async () => {
    const long = (await preview(`{{ $pad("", 600, "x") }}`)) as { text: string };
    expect(long.text).toHaveLength(500);
  });

  it("needs a signed-in user", async () => {
    const res = await call("/api/expressions/preview", {
      method: "POST",
      json: { text: "{{ 1 }}", nodeName: "N", scope: null },
    });
    expect(res.status).toBe(401);
  });
});
