/**
 * What a code node's JavaScript can use, for the list beside the code editor and its completions. Pure,
 * so it is tested without a browser. The names match worker/src/sandbox (the prelude defines them).
 */
export interface CodeVariable {
  /** What the list shows and completion matches. */
  label: string;
  /** What completion inserts. */
  insert: string;
  detail: string;
}

export function codeVariables(upstreamNames: string[]): CodeVariable[] {
  return [
    { label: "$json", insert: "$json", detail: "output of the previous node" },
    ...upstreamNames.map((name) => ({
      label: `$node("${name}")`,
      insert: `$node(${JSON.stringify(name)})`,
      detail: `output of ${name}`,
    })),
    { label: "$trigger", insert: "$trigger", detail: "the trigger's payload" },
    { label: "$execution", insert: "$execution", detail: "{ id, workflowId } of this run" },
    { label: "$item", insert: "$item", detail: "in a forEach body: { value, index, count }" },
    {
      label: "console.log",
      insert: "console.log()",
      detail: "a line in the step's logs (also info, warn, error)",
    },
  ];
}
