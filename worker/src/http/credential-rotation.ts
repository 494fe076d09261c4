/**
 * `POST /api/admin/credentials/rotate`: the operator's re-encryption of every stored credential with the
 * newest key. There are no admin users, so it is guarded by its own Worker secret, ROTATION_TOKEN
 * (`wrangler secret put ROTATION_TOKEN`); without that secret the route does not exist (404).
 * `npm run credentials:rotate` (scripts/rotate-credentials.mjs) calls it batch by batch.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { keyringFromEnv } from "../credentials/cipher";
import { rotateCredentialBatch } from "../credentials/rotation";
import { getDb } from "../storage/db";
import type { AppEnv } from "./context";
import { toCredentialApiError } from "./credential-errors";
import { ApiError } from "./errors";
import { errorResponse } from "./schemas";

export const credentialRotationApp = new OpenAPIHono<AppEnv>();
credentialRotationApp.openAPIRegistry.registerComponent("securitySchemes", "rotationToken", {
  type: "http",
  scheme: "bearer",
  description: "The operator's ROTATION_TOKEN Worker secret (not a user's API key)",
});

const RotationResult = z
  .object({
    newestKeyId: z.string(),
    reencrypted: z.number().int(),
    failed: z.array(z.object({ id: z.string(), error: z.string() })),
    next: z
      .string()
      .nullable()
      .openapi({ description: "Send as `after` for the next batch; null at the end" }),
    remaining: z.number().int().openapi({ description: "Credentials still under an older key" }),
  })
  .openapi("CredentialRotationBatch");

credentialRotationApp.openapi(
  createRoute({
    method: "post",
    path: "/admin/credentials/rotate",
    tags: ["Credentials"],
    summary: "Operator: re-encrypt a batch of credentials with the newest key (Bearer ROTATION_TOKEN)",
    security: [{ rotationToken: [] }],
    request: {
      body: {
        required: false,
        content: {
          "application/json": {
            schema: z.object({
              limit: z.number().int().min(1).max(500).default(100),
              after: z.string().optional().openapi({ description: "`next` of the previous batch" }),
            }),
          },
        },
      },
    },
    responses: {
      200: { description: "One batch done", content: { "application/json": { schema: RotationResult } } },
      401: errorResponse("Missing or wrong rotation token"),
      404: errorResponse("ROTATION_TOKEN is not configured"),
    },
  }),
  async (c) => {
    const expected = (c.env as { ROTATION_TOKEN?: string }).ROTATION_TOKEN;
    if (!expected) throw new ApiError(404, "not_found", `No route for POST ${c.req.path}`);
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!(await sameSecret(presented, expected))) {
      throw new ApiError(
        401,
        "unauthorized",
        "Send the rotation token as 'Authorization: Bearer <ROTATION_TOKEN>'",
      );
    }
    const body = (c.req.valid("json") as { limit?: number; after?: string } | undefined) ?? {};
    try {
      const result = await rotateCredentialBatch(getDb(c.env.DB), await keyringFromEnv(c.env), {
        limit: body.limit ?? 100,
        after: body.after,
      });
      return c.json(result, 200);
    } catch (err) {
      throw toCredentialApiError(err);
    }
  },
);

/** Constant-time comparison (of digests, so lengths never leak either). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const digest = async (s: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  return crypto.subtle.timingSafeEqual(da, db) && a.length > 0;
}
