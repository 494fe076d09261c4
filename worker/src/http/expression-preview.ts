/**
 * `POST /api/expressions/preview`: the editor's live preview of a parameter's `{{ }}` value while it is
 * typed. The value is computed here, by the engine's own evaluator (engine/expressions.ts: JSONata in the
 * same sandbox, with the same step, depth, size and regex limits as a run), against the bindings the
 * editor sends (its latest run's data for that node). An endpoint and not the evaluator in the browser,
 * because web/ imports only types from worker/ (DESIGN.md); the request is debounced by the editor and
 * bounded by the body limit.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ExpressionError, listExpressions, resolveParameters } from "../engine/expressions";
import type { AppEnv } from "./context";
import { enforceRateLimits } from "./rate-limit";
import { requireUser } from "./require-user";
import { authErrors, security } from "./schemas";

export const expressionPreviewApp = new OpenAPIHono<AppEnv>();
expressionPreviewApp.use("/expressions/*", requireUser);

/** Longest preview text answered: the editor shows one short line. */
const MAX_PREVIEW = 500;
/** Longest indented JSON answered for a `value` (a body): the editor shows it as a short block. */
const MAX_JSON_PREVIEW = 2_000;

const PreviewRequest = z
  .object({
    text: z
      .string()
      .max(100_000)
      .optional()
      .openapi({ description: "The parameter's value as text, with one or more `{{ }}`" }),
    value: z
      .unknown()
      .optional()
      .openapi({
        description:
          "Instead of `text`: the parameter's JSON value (an object or array, e.g. an HTTP body) whose strings " +
          "hold `{{ }}`; each is resolved as a run resolves it, and the answer is the resulting JSON, indented",
      }),
    nodeName: z.string().max(200).openapi({ description: "The node the field belongs to (for messages)" }),
    scope: z
      .object({
        json: z.unknown(),
        nodes: z.record(z.string(), z.unknown()),
        trigger: z.unknown(),
        execution: z.object({ id: z.string(), workflowId: z.string() }),
      })
      .nullable()
      .openapi({
        description: "`$json`, `$node`, `$trigger`, `$execution` as a run would see them; null: syntax only",
      }),
  })
  .refine((body) => (body.text === undefined) !== (body.value === undefined), {
    message: "Send the parameter as `text` or as `value`, one of the two",
  })
  .openapi("ExpressionPreviewRequest");

const Preview = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("value"), text: z.string() }),
    z.object({ kind: z.literal("error"), message: z.string() }),
    z.object({ kind: z.literal("noData") }),
  ])
  .openapi("ExpressionPreview");

expressionPreviewApp.openapi(
  createRoute({
    method: "post",
    path: "/expressions/preview",
    tags: ["Workflows"],
    summary: "Evaluate a parameter's {{ }} expressions as a run would (the editor's live preview)",
    security,
    request: { body: { content: { "application/json": { schema: PreviewRequest } }, required: true } },
    responses: {
      200: {
        description: "The value as one short line, why it fails, or `noData` (syntax fine, no run data)",
        content: { "application/json": { schema: Preview } },
      },
      ...authErrors,
    },
  }),
  async (c) => {
    await enforceRateLimits(c, [["expressionPreview", c.var.userId]]);
    const { text, value, nodeName, scope } = c.req.valid("json");
    const parameter = text === undefined ? { value, json: true } : { value: text, json: false };
    return c.json(await preview(parameter, nodeName, scope), 200);
  },
);

async function preview(
  parameter: { value: unknown; json: boolean },
  nodeName: string,
  scope: z.infer<typeof PreviewRequest>["scope"],
): Promise<z.infer<typeof Preview>> {
  const broken = listExpressions(parameter.value).find((e) => e.error);
  if (broken) return { kind: "error", message: `{{ ${broken.expression} }}: ${broken.error}` };
  if (!scope) return { kind: "noData" };
  try {
    const resolved = await resolveParameters(parameter.value, scope, nodeName);
    return { kind: "value", text: parameter.json ? shownJson(resolved) : shown(resolved) };
  } catch (error) {
    if (error instanceof ExpressionError) {
      return { kind: "error", message: `{{ ${error.expression} }}: ${error.reason}` };
    }
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

/** A value as one short line: strings as they are, the rest as JSON; long ones cut with "…". */
function shown(value: unknown): string {
  const text =
    value === undefined ? "(nothing: undefined)" : typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 1)}…` : text;
}

/** A resolved JSON value (a body) indented, as the editor shows it; long ones cut with "…". */
function shownJson(value: unknown): string {
  const text = value === undefined ? "(nothing: undefined)" : JSON.stringify(value, null, 2);
  return text.length > MAX_JSON_PREVIEW ? `${text.slice(0, MAX_JSON_PREVIEW - 1)}…` : text;
}
