/**
 * `/api/integrations/oauth2/*`: the browser side of connecting an `oauth2` credential
 * (logic in credentials/oauth2-connect.ts). Both routes need the signed-in user: the callback is only
 * accepted in the session of the person who pressed Connect.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { keyringFromEnv } from "../credentials/cipher";
import { OAuth2Error } from "../credentials/oauth2";
import { completeOAuth2Connect, startOAuth2Connect } from "../credentials/oauth2-connect";
import { createOutboundFetch } from "../engine/outbound-fetch";
import { getDb } from "../storage/db";
import type { AppEnv } from "./context";
import { toCredentialApiError } from "./credential-errors";
import { requireUser } from "./require-user";
import { authErrors, errorResponse, security } from "./schemas";

export const oauth2App = new OpenAPIHono<AppEnv>();
oauth2App.use("/integrations/oauth2/*", requireUser);

/** Where the SPA shows credentials; the callback sends the browser back there. */
const CREDENTIALS_PAGE = "/credentials";

oauth2App.openapi(
  createRoute({
    method: "get",
    path: "/integrations/oauth2/{credentialId}/connect",
    tags: ["OAuth2"],
    summary: "Start connecting an oauth2 credential: redirects to the provider (state + PKCE S256)",
    security,
    request: {
      params: z.object({
        credentialId: z
          .string()
          .min(1)
          .openapi({ param: { name: "credentialId", in: "path" } }),
      }),
    },
    responses: {
      302: { description: "To the provider's authorization URL" },
      400: errorResponse("Not an oauth2 credential, or its URLs are not allowed"),
      404: errorResponse("No such credential of yours"),
      ...authErrors,
    },
  }),
  async (c) => {
    try {
      const url = await startOAuth2Connect(c.env, getDb(c.env.DB), await keyringFromEnv(c.env), {
        userId: c.var.userId,
        credentialId: c.req.valid("param").credentialId,
        origin: new URL(c.req.url).origin,
      });
      return c.redirect(url.toString(), 302);
    } catch (err) {
      throw toCredentialApiError(err);
    }
  },
);

oauth2App.openapi(
  createRoute({
    method: "get",
    path: "/integrations/oauth2/callback",
    tags: ["OAuth2"],
    summary: "Provider redirect target: checks and consumes the state, exchanges the code, stores the tokens",
    security,
    request: {
      query: z.object({
        state: z.string().min(1),
        code: z.string().optional(),
        error: z.string().optional().openapi({ description: "Set by the provider when the person declined" }),
      }),
    },
    responses: {
      302: {
        description:
          "To `/credentials?connected=<id>`, or `/credentials?connectError=<code>&credential=<id>` when the " +
          "provider declined or the code exchange failed",
      },
      400: errorResponse("State forged, someone else's, already used or expired"),
      ...authErrors,
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    try {
      const id = await completeOAuth2Connect(c.env, getDb(c.env.DB), await keyringFromEnv(c.env), {
        userId: c.var.userId,
        state: query.state,
        code: query.code,
        providerError: query.error,
        origin: new URL(c.req.url).origin,
        // The token URL is user-supplied: same SSRF guard as node requests.
        fetch: createOutboundFetch(c.env),
      });
      return c.redirect(`${CREDENTIALS_PAGE}?connected=${encodeURIComponent(id)}`, 302);
    } catch (err) {
      // With a valid state we know the credential: send the person back to it with the reason.
      if (err instanceof OAuth2Error && err.credentialId) {
        const params = new URLSearchParams({ connectError: err.code, credential: err.credentialId });
        return c.redirect(`${CREDENTIALS_PAGE}?${params}`, 302);
      }
      throw toCredentialApiError(err);
    }
  },
);
