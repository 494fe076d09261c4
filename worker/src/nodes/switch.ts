import { z } from "zod";
import { conditionIsTrue } from "./condition";
import { defineNode } from "./node-type";

const handleName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only");

const parameters = z
  .object({
    rules: z
      .array(
        z
          .object({
            when: z
              .unknown()
              .optional()
              .describe('A condition, usually an expression such as {{ $json.kind = "order" }}'),
            output: handleName.describe("Name of the output this rule sends the input to"),
          })
          .strict(),
      )
      .default([])
      .describe("Checked in order; the first rule whose condition is true wins"),
    fallback: handleName.default("fallback").describe("Output used when no rule matches"),
  })
  .strict()
  .superRefine((params, ctx) => {
    const seen = new Set<string>();
    params.rules.forEach((rule, index) => {
      if (seen.has(rule.output) || rule.output === params.fallback) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "output"],
          message: `output "${rule.output}" is used twice; each rule and the fallback need their own output name`,
        });
      }
      seen.add(rule.output);
    });
  });

/** Routes its input to the output of the first rule that holds, or to the fallback output. */
export const switchNode = defineNode({
  type: "switch",
  version: 1,
  title: "Switch",
  description: "Routes its input to the output of the first matching rule, or to the fallback output.",
  category: "flow",
  icon: "route",
  parameters,
  // The editor calls this with the saved parameters to draw one handle per rule.
  outputs: (params) => [...(params.rules ?? []).map((rule) => rule.output), params.fallback ?? "fallback"],
  pure: true,
  async run(ctx) {
    const match = ctx.params.rules.find((rule) => conditionIsTrue(rule.when));
    return { output: ctx.input, branch: match ? match.output : ctx.params.fallback };
  },
});
