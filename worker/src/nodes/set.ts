import { z } from "zod";
import { defineNode } from "./node-type";

/**
 * Builds an object from named fields. Values are usually expressions (`{{ $json.body.n * 2 }}`), already
 * evaluated by the engine. A dotted name (`user.email`) builds nested objects, as n8n users expect.
 */
export const set = defineNode({
  type: "set",
  version: 1,
  title: "Set",
  description:
    "Builds an object from named fields (values may be expressions). Dotted names build nested objects.",
  category: "core",
  icon: "pencil",
  parameters: z
    .object({
      fields: z
        .record(z.string().min(1), z.unknown())
        .default({})
        .describe("Field name → value or {{ expression }}; a name like user.email sets a nested field"),
      keepInput: z
        .boolean()
        .default(false)
        .describe("Start from the input object and set the fields over it, instead of starting empty"),
      dotNotation: z
        .boolean()
        .default(true)
        .describe("Treat dots in field names as nesting (turn off to keep names like a.b as they are)"),
    })
    .strict(),
  outputs: ["main"],
  pure: true,
  async run(ctx) {
    const { fields, keepInput, dotNotation } = ctx.params;
    const output = keepInput && isPlainObject(ctx.input) ? structuredClone(ctx.input) : {};
    for (const [name, value] of Object.entries(fields)) {
      setField(output, dotNotation ? name.split(".") : [name], value);
    }
    return { output };
  },
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Sets `target[a][b]… = value`, creating (or replacing non-object) intermediate values. Own-property reads
 * and `defineProperty` writes mean a name like `__proto__.x` creates a field called "__proto__" instead of
 * reaching the object's prototype.
 */
function setField(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    const existing = Object.hasOwn(current, key) ? current[key] : undefined;
    const next = isPlainObject(existing) ? existing : {};
    defineField(current, key, next);
    current = next;
  }
  defineField(current, path[path.length - 1], value);
}

function defineField(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
