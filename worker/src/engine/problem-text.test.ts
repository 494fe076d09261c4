import { z } from "zod";
import { describe, expect, it } from "vitest";
import { validateWorkflowDocument } from "./validate-workflow";
import { describeIssue, fieldLabel, readableKey } from "./problem-text";

const issuesOf = (schema: z.ZodType, data: unknown) => {
  const result = schema.safeParse(data);
  if (result.success) throw new Error("expected the data to be refused");
  return result.error.issues.map((issue) => describeIssue(issue, schema, data));
};

describe("problem text", () => {
  it("makes keys readable and prefers a schema's title", () => {
    expect(readableKey("timeoutMs")).toBe("Timeout (ms)");
    expect(readableKey("url")).toBe("URL");
    expect(readableKey("keepInput")).toBe("Keep input");
    const schema = z.object({ to: z.string().meta({ title: "Recipients" }), items: z.array(z.string()) });
    expect(fieldLabel(schema, ["to"])).toBe("Recipients");
    expect(fieldLabel(schema, ["items", 2])).toBe("Items item 3");
    expect(fieldLabel(z.object({ headers: z.record(z.string(), z.string()) }), ["headers", "X-Key"])).toBe(
      "Headers › X-Key",
    );
  });

  it("says what is wrong with each kind of value, naming the field", () => {
    const schema = z.object({
      url: z.string(),
      seconds: z.number().min(1).max(3600),
      name: z.string().min(1).max(5),
      method: z.enum(["GET", "POST"]),
      site: z.url(),
      tags: z.array(z.string()).max(1),
    });
    expect(issuesOf(schema, { seconds: 0, name: "", method: "PUT", site: "nope", tags: ["a", "b"] })).toEqual(
      [
        "URL is required",
        "Seconds must be at least 1",
        "Name cannot be empty",
        'Method must be one of: "GET", "POST"',
        "Site must be a full URL, like https://example.com/path",
        "Tags can have at most 1 entry",
      ],
    );
    expect(issuesOf(schema.pick({ url: true, seconds: true }), { url: 3, seconds: 7200 })).toEqual([
      "URL must be text",
      "Seconds must be at most 3600",
    ]);
  });

  it("keeps a custom check's own sentence, with the field in front", () => {
    const schema = z.object({ cron: z.string().refine(() => false, "needs 5 fields, like */5 * * * *") });
    expect(issuesOf(schema, { cron: "x" })).toEqual(["Cron: needs 5 fields, like */5 * * * *"]);
  });
});

describe("save problems in words", () => {
  const trigger = { id: "t", type: "manualTrigger", name: "Start", position: { x: 0, y: 0 }, parameters: {} };
  const problemsOf = (nodes: unknown[]) => {
    const result = validateWorkflowDocument({ name: "W", nodes, edges: [] });
    return result.ok
      ? []
      : result.problems.map(({ code, nodeId, field, message }) => ({ code, nodeId, field, message }));
  };

  it("names the node and the field's label for a missing URL and an out-of-range number", () => {
    expect(
      problemsOf([
        trigger,
        { id: "h", type: "httpRequest", name: "Fetch", position: { x: 0, y: 0 }, parameters: {} },
        { id: "w", type: "wait", name: "Pause", position: { x: 0, y: 0 }, parameters: { seconds: -1 } },
      ]),
    ).toEqual([
      { code: "invalid_parameter", nodeId: "h", field: "parameters.url", message: "Fetch: URL is required" },
      {
        code: "invalid_parameter",
        nodeId: "w",
        field: "parameters.seconds",
        message: expect.stringMatching(/^Pause: Seconds must be (at least|more than) /),
      },
    ]);
  });

  it("refuses an empty node name in words", () => {
    const [problem] = problemsOf([{ ...trigger, name: "   " }]);
    expect(problem).toMatchObject({ field: "name", message: "Node name cannot be empty" });
  });

  it("does not read a code node's JavaScript as expressions", () => {
    const code = {
      id: "c",
      type: "code",
      name: "JS",
      position: { x: 0, y: 0 },
      parameters: { code: "if (a) {{ return 1 }}" },
    };
    expect(problemsOf([trigger, code]).filter((p) => p.code === "invalid_expression")).toEqual([]);
  });

  it("refuses an expression that does not parse, on its field", () => {
    const problems = problemsOf([
      trigger,
      {
        id: "s",
        type: "set",
        name: "Sum",
        position: { x: 0, y: 0 },
        parameters: { fields: { total: "{{ $json.n * }}", fine: "{{ $json.n * 2 }}" } },
      },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: "invalid_expression",
      nodeId: "s",
      field: "parameters.fields.total",
    });
    expect(problems[0].message).toMatch(
      /^Sum: Fields › total: the expression \{\{ \$json\.n \* \}\} does not parse: /,
    );
  });
});
