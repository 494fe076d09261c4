/**
 * n8n Code nodes (JavaScript) → our `code` node. n8n code works on lists of items (`{ json }`), ours on
 * one value (`$json`). The imported code keeps the person's JavaScript as it was and runs it behind a
 * short preamble that gives it n8n's helpers over our data: `$input.all()/first()/last()/item`, `items`,
 * `$('Name')` and `$node["Name"].json` (as `{ json }` items), `$workflow.id`; what it returns
 * (`[{ json }]`, `{ json }` or plain values) is unwrapped to one value, or a list for several items.
 */

/** n8n features the sandbox cannot give: the code would fail on them, so the report says so. */
const UNREACHABLE: [RegExp, string][] = [
  [/\bthis\.helpers\b|\$http\b|\bfetch\s*\(/, "HTTP calls (use an HTTP request node)"],
  [/\brequire\s*\(/, "require() of modules"],
  [/\$env\b|\$vars\b|\$secrets\b/, "$env/$vars (instance variables)"],
  [/\$getWorkflowStaticData\b/, "workflow static data"],
  [/\bDateTime\b|\$now\b|\$today\b/, "Luxon dates ($now, DateTime): use new Date()"],
  [/\.binary\b|\$binary\b/, "binary data"],
];

export interface CodeConversion {
  code: string;
  notes: string[];
}

export interface CodeInput {
  source: string;
  /** n8n's `mode`: all items at once (default) or once per item (`runOnceForEachItem`). */
  eachItem: boolean;
  /** Where the n8n item of the node feeding this one lives in our output (`["body"]` after HTTP). */
  inputPath: readonly (string | number)[];
  /** The same for every node of the workflow, by name (for `$('Name')`), when it is not the root. */
  nodePaths: Record<string, readonly (string | number)[]>;
  /** Old "Function Item" nodes name the item's data `item` and return it. */
  itemVariable?: "item";
}

export function convertCode(input: CodeInput): CodeConversion {
  const notes = UNREACHABLE.filter(([pattern]) => pattern.test(input.source)).map(
    ([, what]) =>
      `the code uses ${what}, which Nodebase code nodes cannot reach; it fails there until changed`,
  );
  const preamble = [
    "// Added by the n8n import: n8n's item helpers over Nodebase's data. Your code follows unchanged.",
    `const __paths = ${JSON.stringify(input.nodePaths)};`,
    "const __at = (value, path) => path.reduce((v, key) => (v == null ? v : v[key]), value);",
    "const __items = (value) => (Array.isArray(value) ? value : value == null ? [] : [value]).map((json) => ({ json }));",
    "const __list = (items) => ({ all: () => items, first: () => items[0], last: () => items[items.length - 1], item: items[0] });",
    "const __data = (name) => __at($node(name), __paths[name] ?? []);",
    "const $ = (name) => __list(__items(__data(name)));",
    "const __byName = new Proxy({}, { get: (_, name) => (typeof name === 'string' ? { json: __data(name) } : undefined) });",
    `const __input = __items(__at($json, ${JSON.stringify(input.inputPath)}));`,
    "const $workflow = { id: $execution.workflowId };",
    "const __json = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && 'json' in v ? v.json : v);",
    "const __out = (v) => { const list = (Array.isArray(v) ? v : [v]).map(__json); return list.length === 1 ? list[0] : list; };",
  ];
  const body = input.source;
  if (!input.eachItem) {
    return {
      notes,
      code: [
        ...preamble,
        "return __out(await (async ($input, items, $node) => {",
        body,
        "})(__list(__input), __input, __byName));",
      ].join("\n"),
    };
  }
  const variable = input.itemVariable ?? "__item";
  return {
    notes,
    code: [
      ...preamble,
      "const __results = [];",
      "for (const __entry of __input) {",
      `  __results.push(await (async ($json, $input, ${variable}, $node) => {`,
      body,
      `  })(__entry.json, { ...__list(__input), item: __entry }, ${input.itemVariable ? "__entry.json" : "__entry"}, __byName));`,
      "}",
      "return __out(__results);",
    ].join("\n"),
  };
}
