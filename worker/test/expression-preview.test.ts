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
