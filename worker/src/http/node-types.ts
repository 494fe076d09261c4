/**
 * `GET /api/node-types`: every registered node type with the JSON Schema of its parameters. The editor
 * builds its palette and forms from this, so a node type added to the registry needs no change in web/.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { z as zod } from "zod";
import { TRIGGER_KINDS, type NodeType } from "../nodes/node-type";
import { nodeTypes } from "../nodes/registry";
import type { AppEnv } from "./context";
import { requireUser } from "./require-user";
import { authErrors, security } from "./schemas";

export const nodeTypesApp = new OpenAPIHono<AppEnv>();
nodeTypesApp.use("/node-types", requireUser);

const NodeTypeInfo = z
  .object({
    type: z.string().openapi({ example: "webhookTrigger" }),
    title: z.string(),
    description: z.string(),
    category: z.string(),
    icon: z.string(),
    version: z.number().int(),
    parameters: z
      .record(z.string(), z.unknown())
      .openapi({ description: "JSON Schema (draft 2020-12) of the parameters" }),
    credentialType: z
      .array(z.string())
      .optional()
      .openapi({ description: "Credential types the node accepts" }),
    credentialRequired: z.boolean(),
    outputs: z
      .array(z.string())
      .openapi({ description: "Output handles (for dynamic ones: those of the default parameters)" }),
    dynamicOutputs: z
      .boolean()
      .optional()
      .openapi({ description: "True when outputs depend on the parameters (switch)" }),
    trigger: z.enum(TRIGGER_KINDS).optional(),
    samplePayload: z.unknown().optional().openapi({
      description:
        "Triggers: a realistic sample of the trigger's output, for POST /api/workflows/{id}/run?trigger=<nodeId>",
    }),
  })
  .openapi("NodeType");

export function describeNodeType(t: NodeType): z.infer<typeof NodeTypeInfo> {
  const dynamic = typeof t.outputs === "function";
  return {
    type: t.type,
    title: t.title,
    description: t.description,
    category: t.category,
    icon: t.icon,
    version: t.version,
    // io "input": what a person may type (defaults optional); refinements cannot be expressed and are dropped.
    parameters: zod.toJSONSchema(t.parameters, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >,
    ...(t.credential ? { credentialType: [...t.credential.types] } : {}),
    credentialRequired: t.credential?.required ?? false,
    outputs: dynamic ? defaultOutputs(t) : [...(t.outputs as readonly string[])],
    ...(dynamic ? { dynamicOutputs: true } : {}),
    ...(t.trigger ? { trigger: t.trigger } : {}),
    ...(t.payload ? { samplePayload: t.payload.sample } : {}),
  };
}

/** Outputs of a dynamic node with default parameters, or none when the defaults are not a valid config. */
function defaultOutputs(t: NodeType): string[] {
  const parsed = t.parameters.safeParse({});
  return parsed.success && typeof t.outputs === "function" ? t.outputs(parsed.data) : [];
}

// Computed once per isolate: the registry is fixed at build time.
let described: z.infer<typeof NodeTypeInfo>[] | undefined;

nodeTypesApp.openapi(
  createRoute({
    method: "get",
    path: "/node-types",
    tags: ["Node types"],
    summary: "Every node type, with the JSON Schema of its parameters",
    security,
    responses: {
      200: {
        description: "All node types",
        content: { "application/json": { schema: z.object({ items: z.array(NodeTypeInfo) }) } },
      },
      ...authErrors,
    },
  }),
  (c) => {
    described ??= Object.values(nodeTypes as Record<string, NodeType>).map(describeNodeType);
    return c.json({ items: described }, 200);
  },
);
