import { z } from "zod";
import { defineNode } from "./node-type";

/** Most elements one loop takes: past this a run is refused rather than left to exhaust its limits. */
export const MAX_LOOP_ITEMS = 100_000;
/** Elements of one loop run at once, at most. */
export const MAX_LOOP_CONCURRENCY = 20;

/**
 * Runs its body (every node reachable from the `item` output) once per element of `items`, then sends
 * `{ results, count, failed }` out of `done`. The engine does the looping (engine/loop-run.ts); `run` only
 * turns the evaluated `items` into the checked list the engine iterates.
 */
export const forEach = defineNode({
  type: "forEach",
  version: 1,
  title: "For each",
  description:
    "Runs the nodes connected to 'item' once per element of a list ($json is the element, $item is { value, index, count }), then sends { results, count, failed } out of 'done'.",
  category: "flow",
  icon: "repeat",
  parameters: z
    .object({
      // Optional in the schema so that an expression giving nothing fails with loopItems' message.
      items: z
        .unknown()
        .optional()
        .describe("The list to loop over, usually an expression such as {{ $json.body.rows }}"),
      concurrency: z
        .number()
        .int()
        .min(1)
        .max(MAX_LOOP_CONCURRENCY)
        .default(1)
        .describe(`How many elements run at once (1–${MAX_LOOP_CONCURRENCY})`),
      onItemError: z
        .enum(["stop", "continue"])
        .default("stop")
        .describe(
          "stop: the first failed element fails the loop. continue: its result is null, it is counted in failed, and the loop goes on",
        ),
    })
    .strict(),
  outputs: ["item", "done"],
  loopHandle: "item",
  async run(ctx) {
    return { output: loopItems(ctx.params.items, ctx.node.name), branch: "item" };
  },
});

/** The evaluated `items` as a list, or an error naming the node and what the expression gave. */
export function loopItems(items: unknown, nodeName: string): unknown[] {
  if (!Array.isArray(items)) {
    throw new LoopInputError(
      `Node "${nodeName}": items must be a list, but the expression gave ${describeValue(items)}`,
    );
  }
  if (items.length > MAX_LOOP_ITEMS) {
    throw new LoopInputError(
      `Node "${nodeName}": items has ${items.length} elements; a loop takes at most ${MAX_LOOP_ITEMS}`,
    );
  }
  return items;
}

/** Bad loop input: the same data fails the same way, so the engine does not retry it. */
export class LoopInputError extends Error {
  override name = "LoopInputError";
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (undefined: does the field exist?)";
  if (value === null) return "null";
  const kind = typeof value === "object" ? "an object" : `a ${typeof value}`;
  const text = JSON.stringify(value);
  return `${kind}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
}
