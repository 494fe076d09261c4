/**
 * Credential types: one zod schema per type (the SPA builds its form from the JSON Schema) and the list of
 * fields that are secret. Secret fields are encrypted at rest and never leave the server; the others are
 * stored readable and shown to the owner.
 */
import { z } from "zod";

export interface CredentialTypeDef {
  type: string;
  title: string;
  description: string;
  /** What a person enters. Validated on create and after merging an update. */
  schema: z.ZodObject;
  /** Fields of `schema` that are write-only (encrypted, never returned). */
  secretFields: readonly string[];
  /** Set for `oauth2`: tokens come from the connect flow, not from the form. */
  oauth2?: true;
}

const secretText = (description: string) => z.string().min(1).describe(description);
const httpsOrHttpUrl = (description: string) =>
  z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL")
    .describe(description);

const aiKey = (vendor: string, defaultBaseUrl: string): Omit<CredentialTypeDef, "type" | "title"> => ({
  description: `API key for ${vendor}.`,
  schema: z
    .object({
      apiKey: secretText(`${vendor} API key`),
      baseUrl: httpsOrHttpUrl(`API base URL including the version (default ${defaultBaseUrl})`).optional(),
    })
    .strict(),
  secretFields: ["apiKey"],
});

/** OAuth2 providers whose URLs (and sensible default scopes) are filled in when `preset` is chosen. */
export const oauth2Presets = {
  google: {
    authUrl: "https://accounts.google.com/o/oauth2/v2/auth",
    tokenUrl: "https://oauth2.googleapis.com/token",
    scopes: "openid email profile",
    // Google returns a refresh token only with offline access, and again only when consent is shown.
    authParams: { access_type: "offline", prompt: "consent" } as Record<string, string>,
  },
  github: {
    authUrl: "https://github.com/login/oauth/authorize",
    tokenUrl: "https://github.com/login/oauth/access_token",
    scopes: "read:user",
    authParams: {} as Record<string, string>,
  },
  // Slack's v2 flow gives a bot token (xoxb-…) that does not expire; Slack separates scopes with commas.
  slack: {
    authUrl: "https://slack.com/oauth/v2/authorize",
    tokenUrl: "https://slack.com/api/oauth.v2.access",
    scopes: "chat:write",
    authParams: {} as Record<string, string>,
  },
} as const;
export type OAuth2Preset = keyof typeof oauth2Presets;

const oauth2Schema = z
  .object({
    preset: z
      .enum(["custom", "google", "github", "slack"])
      .default("custom")
      .describe("Fill the provider URLs and default scopes for Google, GitHub or Slack"),
    clientId: z.string().min(1).describe("OAuth2 client id from the provider's app settings"),
    clientSecret: secretText("OAuth2 client secret"),
    authUrl: httpsOrHttpUrl("Authorization endpoint (filled by the preset)").optional(),
    tokenUrl: httpsOrHttpUrl("Token endpoint (filled by the preset)").optional(),
    scopes: z.string().optional().describe("Space-separated scopes (default: the preset's)"),
    apiBaseUrl: httpsOrHttpUrl(
      "API base URL for the nodes that use this account, when not the service's own (GitHub Enterprise: https://<host>/api/v3; a local test server)",
    ).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.preset !== "custom") return;
    for (const field of ["authUrl", "tokenUrl"] as const) {
      if (!value[field])
        ctx.addIssue({ code: "custom", path: [field], message: "required without a preset" });
    }
  });

/** Every credential type by id (ids are part of the public contract, see DESIGN.md). */
export const credentialTypes = {
  httpHeaderAuth: {
    title: "HTTP header",
    description: "Sends one header (e.g. X-API-Key) with each request.",
    schema: z
      .object({
        // Titled, so the form does not show a second "Name" beside the credential's own name.
        name: z.string().min(1).meta({ title: "Header name" }).describe("Header name, e.g. X-API-Key"),
        value: secretText("Header value"),
      })
      .strict(),
    secretFields: ["value"],
  },
  httpBearerAuth: {
    title: "Bearer token",
    description: "Sends `Authorization: Bearer <token>`.",
    schema: z.object({ token: secretText("Token") }).strict(),
    secretFields: ["token"],
  },
  httpBasicAuth: {
    title: "Basic auth",
    description: "Sends `Authorization: Basic` with a user and password.",
    schema: z
      .object({ user: z.string().min(1).describe("User name"), password: secretText("Password") })
      .strict(),
    secretFields: ["password"],
  },
  openai: { title: "OpenAI", ...aiKey("OpenAI", "https://api.openai.com/v1") },
  anthropic: { title: "Anthropic", ...aiKey("Anthropic", "https://api.anthropic.com/v1") },
  gemini: { title: "Google Gemini", ...aiKey("Gemini", "https://generativelanguage.googleapis.com/v1beta") },
  discordWebhook: {
    title: "Discord webhook",
    description: "A Discord incoming-webhook URL (the URL itself is the secret).",
    schema: z.object({ url: httpsOrHttpUrl("Incoming-webhook URL") }).strict(),
    secretFields: ["url"],
  },
  slackWebhook: {
    title: "Slack webhook",
    description: "A Slack incoming-webhook URL (the URL itself is the secret).",
    schema: z.object({ url: httpsOrHttpUrl("Incoming-webhook URL") }).strict(),
    secretFields: ["url"],
  },
  stripeWebhook: {
    title: "Stripe webhook",
    description: "The signing secret (whsec_…) of a Stripe webhook endpoint.",
    schema: z.object({ signingSecret: secretText("Signing secret (whsec_…)") }).strict(),
    secretFields: ["signingSecret"],
  },
  googleForm: {
    title: "Google Form",
    description: "Shared secret the form's Apps Script sends in X-Nodebase-Secret.",
    schema: z.object({ secret: secretText("Shared secret") }).strict(),
    secretFields: ["secret"],
  },
  webhookAuth: {
    title: "Webhook auth",
    description: "Protects a webhook trigger: a header that must carry a value, or an HMAC signing secret.",
    schema: z
      .object({
        header: z.string().min(1).optional().describe("Header that must be present (header mode)"),
        value: secretText("Value the header must have (header mode)").optional(),
        hmacSecret: secretText("HMAC-SHA256 signing secret (HMAC mode)").optional(),
      })
      .strict()
      .superRefine((value, ctx) => {
        const headerMode = value.header !== undefined || value.value !== undefined;
        if (headerMode && value.hmacSecret !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["hmacSecret"],
            message: "use either header+value or hmacSecret",
          });
        } else if (headerMode) {
          if (!value.header)
            ctx.addIssue({ code: "custom", path: ["header"], message: "required with value" });
          if (!value.value)
            ctx.addIssue({ code: "custom", path: ["value"], message: "required with header" });
        } else if (value.hmacSecret === undefined) {
          ctx.addIssue({ code: "custom", path: [], message: "give header and value, or hmacSecret" });
        }
      }),
    secretFields: ["value", "hmacSecret"],
  },
  telegram: {
    title: "Telegram bot",
    description: "A bot token from @BotFather.",
    schema: z
      .object({
        botToken: secretText("Bot token (123456:ABC-...)"),
        baseUrl: httpsOrHttpUrl("Bot API base URL (default https://api.telegram.org)").optional(),
      })
      .strict(),
    secretFields: ["botToken"],
  },
  slackApi: {
    title: "Slack bot token",
    description: "A Slack app's bot token (xoxb-…, OAuth & Permissions page), with the chat:write scope.",
    schema: z
      .object({
        botToken: secretText("Bot User OAuth Token (xoxb-…)"),
        baseUrl: httpsOrHttpUrl("Web API base URL (default https://slack.com/api)").optional(),
      })
      .strict(),
    secretFields: ["botToken"],
  },
  githubApi: {
    title: "GitHub token",
    description: "A GitHub personal access token (fine-grained: Issues read and write; classic: repo scope).",
    schema: z
      .object({
        token: secretText("Personal access token (github_pat_… or ghp_…)"),
        baseUrl: httpsOrHttpUrl(
          "REST API base URL (default https://api.github.com; GitHub Enterprise: https://<host>/api/v3)",
        ).optional(),
      })
      .strict(),
    secretFields: ["token"],
  },
  notionApi: {
    title: "Notion",
    description:
      "A Notion integration's secret (notion.so/my-integrations). Share each database with the integration (… → Connections).",
    schema: z
      .object({
        apiKey: secretText("Internal integration secret (ntn_… or secret_…)"),
        baseUrl: httpsOrHttpUrl("API base URL (default https://api.notion.com)").optional(),
      })
      .strict(),
    secretFields: ["apiKey"],
  },
  airtableTokenApi: {
    title: "Airtable token",
    description:
      "An Airtable personal access token (airtable.com/create/tokens) with data.records:read and data.records:write, and access to the base.",
    schema: z
      .object({
        accessToken: secretText("Personal access token (pat…)"),
        baseUrl: httpsOrHttpUrl("API base URL (default https://api.airtable.com)").optional(),
      })
      .strict(),
    secretFields: ["accessToken"],
  },
  githubWebhook: {
    title: "GitHub webhook",
    description: "The secret set on a GitHub webhook; deliveries are checked with X-Hub-Signature-256.",
    schema: z.object({ secret: secretText("Webhook secret") }).strict(),
    secretFields: ["secret"],
  },
  smtp: {
    title: "SMTP",
    description: "An SMTP server to send email through (port 465 = tls, 587 = starttls).",
    schema: z
      .object({
        host: z.string().min(1).describe("SMTP host, e.g. smtp.example.com"),
        port: z.number().int().min(1).max(65535).describe("Port: 465 (tls), 587 (starttls), 25"),
        security: z
          .enum(["tls", "starttls", "none"])
          .default("starttls")
          .describe("tls: TLS from the start; starttls: upgrade (required); none: plain (local servers)"),
        user: z.string().min(1).optional().describe("User name (leave empty for no login)"),
        password: secretText("Password").optional(),
        from: z.string().min(3).describe('Sender, e.g. "Nodebase <bot@example.com>"'),
      })
      .strict()
      .refine((value) => (value.user === undefined) === (value.password === undefined), {
        path: ["password"],
        message: "give both user and password, or neither",
      }),
    secretFields: ["password"],
  },
  postgres: {
    title: "PostgreSQL",
    description: "A PostgreSQL database (in production, put Hyperdrive in front: docs/deploy.md).",
    schema: z
      .object({
        host: z.string().min(1).describe("Host name"),
        port: z.number().int().min(1).max(65535).default(5432).describe("Port (default 5432)"),
        database: z.string().min(1).describe("Database name"),
        user: z.string().min(1).describe("User name"),
        password: secretText("Password"),
        ssl: z.boolean().default(false).describe("Connect over TLS (required by most hosted databases)"),
      })
      .strict(),
    secretFields: ["password"],
  },
  oauth2: {
    title: "OAuth2",
    description: "An OAuth2 app; press Connect to obtain tokens (refreshed automatically when they expire).",
    schema: oauth2Schema,
    secretFields: ["clientSecret"],
    oauth2: true,
  },
} satisfies Record<string, Omit<CredentialTypeDef, "type">>;

export type CredentialTypeName = keyof typeof credentialTypes;

/** Secret fields that only the OAuth2 connect flow writes (never accepted from a request). */
export const oauth2TokenSecretFields = ["accessToken", "refreshToken"] as const;

export function getCredentialType(type: string): CredentialTypeDef | undefined {
  if (!Object.hasOwn(credentialTypes, type)) return undefined;
  return { type, ...(credentialTypes as Record<string, Omit<CredentialTypeDef, "type">>)[type] };
}

export function listCredentialTypes(): CredentialTypeDef[] {
  return Object.keys(credentialTypes).map((type) => getCredentialType(type)!);
}

/** JSON Schema of a type's form, with secret fields marked `writeOnly` (and `format: password`). */
export function credentialTypeJsonSchema(def: CredentialTypeDef): Record<string, unknown> {
  const schema = z.toJSONSchema(def.schema, { io: "input" }) as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const field of def.secretFields) {
    if (properties[field]) properties[field] = { ...properties[field], writeOnly: true, format: "password" };
  }
  delete schema.$schema;
  return schema;
}

/** Fills derived values (OAuth2 preset URLs and scopes) into validated data. */
export function normalizeCredentialData(
  type: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  if (type !== "oauth2") return data;
  const preset = data.preset as OAuth2Preset | "custom" | undefined;
  if (!preset || preset === "custom") return data;
  const p = oauth2Presets[preset];
  return {
    ...data,
    authUrl: data.authUrl ?? p.authUrl,
    tokenUrl: data.tokenUrl ?? p.tokenUrl,
    scopes: data.scopes ?? p.scopes,
  };
}

/** Splits validated data into the readable part and the part that gets encrypted. */
export function splitSecrets(
  def: CredentialTypeDef,
  data: Record<string, unknown>,
): { publicData: Record<string, unknown>; secretData: Record<string, unknown> } {
  const publicData: Record<string, unknown> = {};
  const secretData: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    (def.secretFields.includes(key) ? secretData : publicData)[key] = value;
  }
  return { publicData, secretData };
}
