import { z } from "zod";
import { defineNode } from "./node-type";

/**
 * Joins branches. The engine runs it once every incoming branch that ran has finished and hands it
 * `{ [nodeName]: output }` for those branches; that object is the output.
 */
export const merge = defineNode({
  type: "merge",
  version: 1,
  title: "Merge",
  description:
    "Waits for every incoming branch that runs and outputs { [nodeName]: output } for each of them.",
  category: "flow",
  icon: "merge",
  parameters: z.object({}).strict(),
  outputs: ["main"],
  pure: true,
  async run(ctx) {
    return { output: ctx.input };
  },
});
