import { z } from "zod";
import { conditionIsTrue } from "./condition";
import { defineNode } from "./node-type";

/** Sends its input on `true` or `false`; the nodes on the other handle are recorded as skipped. */
export const ifNode = defineNode({
  type: "if",
  version: 1,
  title: "If",
  description: "Passes its input on the true or false output, depending on a condition.",
  category: "flow",
  icon: "split",
  parameters: z
    .object({
      condition: z
        .unknown()
        .optional()
        .describe(
          'An expression such as {{ $json.total > 100 }}. true/false (or the text "true"/"false") choose the branch; other values follow JSONata truthiness (empty, 0 and null are false)',
        ),
    })
    .strict(),
  outputs: ["true", "false"],
  pure: true,
  async run(ctx) {
    return { output: ctx.input, branch: conditionIsTrue(ctx.params.condition) ? "true" : "false" };
  },
});
