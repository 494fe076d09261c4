/**
 * `/api/credentials` and `/api/credential-types`. Secret fields are write-only: every response is built by
 * `credentialView`, which only sees the readable part of a row (secrets exist only as ciphertext there).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { keyringFromEnv } from "../credentials/cipher";
import {
  credentialTypeJsonSchema,
  credentialTypes,
  listCredentialTypes,
  oauth2Presets,
} from "../credentials/types";
import { createCredential, credentialView, updateCredential } from "../credentials/vault";
import * as store from "../storage/credentials";
import { getDb } from "../storage/db";
import type { AppEnv } from "./context";
import { toCredentialApiError } from "./credential-errors";
import { ApiError, notFound } from "./errors";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, IdParam, ListQuery, pageOf, parseCursor, security } from "./schemas";

export const credentialsApp = new OpenAPIHono<AppEnv>();
credentialsApp.use("/credentials", requireUser);
credentialsApp.use("/credentials/*", requireUser);
credentialsApp.use("/credential-types", requireUser);

const typeNames = Object.keys(credentialTypes) as [string, ...string[]];

const Credential = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string().openapi({ example: "httpBearerAuth" }),
    createdAt: z.string(),
    updatedAt: z.string(),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: "Non-secret fields only; secret fields are never returned" }),
    connection: z
      .object({ connectedAt: z.string(), expiresAt: z.string().nullable(), scope: z.string().optional() })
      .nullable()
      .optional()
      .openapi({ description: "oauth2 only: null until Connect succeeded" }),
  })
  .openapi("Credential");

const CredentialData = z
  .record(z.string(), z.unknown())
  .openapi({ description: "Fields of the type (see GET /api/credential-types)", example: { token: "sk-…" } });

const CreateBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    type: z.enum(typeNames).openapi({ description: "A credential type id" }),
    data: CredentialData,
  })
  .openapi("CreateCredential");

const UpdateBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    data: CredentialData.optional().openapi({
      description:
        'Fields to change. A secret field left out or sent as "" keeps its stored value; null removes an optional field.',
    }),
  })
  .openapi("UpdateCredential");

const CredentialType = z
  .object({
    type: z.string(),
    title: z.string(),
    description: z.string(),
    schema: z
      .record(z.string(), z.unknown())
      .openapi({ description: "JSON Schema of the form; secrets writeOnly" }),
    secretFields: z.array(z.string()),
    oauth2: z.boolean(),
    presets: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .openapi("CredentialType");

const InUse = z
  .object({
    error: z.object({
      code: z.literal("credential_in_use"),
      message: z.string(),
      details: z.object({ workflows: z.array(z.object({ id: z.string(), name: z.string() })) }),
    }),
  })
  .openapi("CredentialInUse");

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

credentialsApp.openapi(
  createRoute({
    method: "get",
    path: "/credential-types",
    tags: ["Credentials"],
    summary: "Every credential type with its form's JSON Schema and which fields are secret",
    security,
    responses: {
      200: { description: "All types", content: json(z.object({ items: z.array(CredentialType) })) },
      ...authErrors,
    },
  }),
  (c) =>
    c.json(
      {
        items: listCredentialTypes().map((def) => ({
          type: def.type,
          title: def.title,
          description: def.description,
          schema: credentialTypeJsonSchema(def),
          secretFields: [...def.secretFields],
          oauth2: def.oauth2 === true,
          ...(def.oauth2 ? { presets: oauth2Presets as Record<string, Record<string, unknown>> } : {}),
        })),
      },
      200,
    ),
);

credentialsApp.openapi(
  createRoute({
    method: "post",
    path: "/credentials",
    tags: ["Credentials"],
    summary: "Store a credential (secret fields are encrypted and never returned)",
    security,
    request: { body: { required: true, content: json(CreateBody) } },
    responses: {
      201: { description: "Created", content: json(Credential) },
      400: errorResponse("Unknown type, or data that does not fit the type (details name the fields)"),
      ...authErrors,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    try {
      const row = await createCredential(getDb(c.env.DB), await keyringFromEnv(c.env), c.var.userId, body);
      return c.json(credentialView(row), 201);
    } catch (err) {
      throw toCredentialApiError(err);
    }
  },
);

credentialsApp.openapi(
  createRoute({
    method: "get",
    path: "/credentials",
    tags: ["Credentials"],
    summary: "List your credentials, newest first (metadata and non-secret fields)",
    security,
    request: {
      query: ListQuery.extend({ type: z.string().optional().openapi({ description: "Only this type" }) }),
    },
    responses: {
      200: { description: "A page of credentials", content: json(pageOf(Credential)) },
      400: errorResponse("Bad limit or cursor"),
      ...authErrors,
    },
  }),
  async (c) => {
    const { limit, cursor, type } = c.req.valid("query");
    const page = await store.listCredentials(getDb(c.env.DB), c.var.userId, {
      type,
      limit,
      cursor: parseCursor(cursor),
    });
    return c.json({ items: page.items.map(credentialView), nextCursor: page.nextCursor }, 200);
  },
);

credentialsApp.openapi(
  createRoute({
    method: "get",
    path: "/credentials/{id}",
    tags: ["Credentials"],
    summary: "One credential (metadata and non-secret fields)",
    security,
    request: { params: IdParam },
    responses: {
      200: { description: "The credential", content: json(Credential) },
      404: errorResponse("No such credential of yours"),
      ...authErrors,
    },
  }),
  async (c) => {
    const row = await store.getCredential(getDb(c.env.DB), c.var.userId, c.req.valid("param").id);
    if (!row) throw notFound("Credential");
    return c.json(credentialView(row), 200);
  },
);

for (const method of ["put", "patch"] as const) {
  credentialsApp.openapi(
    createRoute({
      method,
      path: "/credentials/{id}",
      tags: ["Credentials"],
      summary: "Rename or change fields (secret fields change only when sent non-empty)",
      security,
      request: { params: IdParam, body: { required: true, content: json(UpdateBody) } },
      responses: {
        200: { description: "The updated credential", content: json(Credential) },
        400: errorResponse("Data that does not fit the type after merging (details name the fields)"),
        404: errorResponse("No such credential of yours"),
        ...authErrors,
      },
    }),
    async (c) => {
      try {
        const row = await updateCredential(
          getDb(c.env.DB),
          await keyringFromEnv(c.env),
          c.var.userId,
          c.req.valid("param").id,
          c.req.valid("json"),
        );
        return c.json(credentialView(row), 200);
      } catch (err) {
        throw toCredentialApiError(err);
      }
    },
  );
}

credentialsApp.openapi(
  createRoute({
    method: "delete",
    path: "/credentials/{id}",
    tags: ["Credentials"],
    summary: "Delete a credential; refused while a workflow uses it unless ?force=true",
    security,
    request: {
      params: IdParam,
      query: z.object({
        force: z
          .enum(["true", "false"])
          .optional()
          .openapi({ description: "true: delete anyway and clear it from the nodes that use it" }),
      }),
    },
    responses: {
      204: { description: "Deleted" },
      404: errorResponse("No such credential of yours"),
      409: { description: "In use: details list the workflows", content: json(InUse) },
      ...authErrors,
    },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const { id } = c.req.valid("param");
    const row = await store.getCredential(db, c.var.userId, id);
    if (!row) throw notFound("Credential");
    if (c.req.valid("query").force !== "true") {
      const workflows = await store.workflowsUsingCredential(db, c.var.userId, id);
      if (workflows.length > 0) {
        throw new ApiError(
          409,
          "credential_in_use",
          `Credential "${row.name}" is used by ${workflows.length} workflow(s); delete with ?force=true to clear it from them`,
          { workflows },
        );
      }
    }
    if (!(await store.deleteCredential(db, c.var.userId, id))) throw notFound("Credential");
    return c.body(null, 204);
  },
);
