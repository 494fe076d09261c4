import { z } from "zod";
import { defineNode, type NodeRunContext } from "./node-type";
import { readCredential } from "./lib/credential";
import { callJsonApi } from "./lib/json-api";

const GITHUB_API = "https://api.github.com";

const githubApiCredential = z.object({ token: z.string().min(1), baseUrl: z.string().url().optional() });
const oauth2Credential = z.object({
  accessToken: z.string().min(1),
  apiBaseUrl: z.string().url().optional(),
});
/** GitHub's owner and repository names: letters, digits, `-`, `_` and `.`. */
const repoPart = (what: string) =>
  z
    .string()
    .regex(/^(?!\.+$)[\w.-]+$/, `must be a GitHub ${what} name (letters, digits, - _ .)`)
    .describe(`Repository ${what}`);

/**
 * GitHub REST API: create an issue (`POST /repos/{owner}/{repo}/issues`) or comment on an issue or pull
 * request (`POST /repos/{owner}/{repo}/issues/{number}/comments`). Outputs the created object as GitHub
 * answers it. Token from `githubApi` or an `oauth2` credential connected with the GitHub preset.
 */
export const github = defineNode({
  type: "github",
  version: 1,
  title: "GitHub",
  description:
    "Creates an issue, or comments on an issue or pull request, in a GitHub repository. Outputs what GitHub created.",
  category: "communication",
  icon: "github",
  parameters: z
    .object({
      operation: z
        .enum(["createIssue", "createComment"])
        .default("createIssue")
        .describe(
          "createIssue: a new issue; createComment: a comment on issue or pull request `issueNumber`",
        ),
      owner: repoPart("owner"),
      repo: repoPart("repository"),
      title: z.string().min(1).max(256).optional().describe("Issue title (createIssue)"),
      body: z.string().max(65_536).optional().describe("Markdown text of the issue or the comment"),
      labels: z.array(z.string().min(1)).optional().describe("Label names for the new issue (createIssue)"),
      issueNumber: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe("Issue or pull request number (createComment)"),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.operation === "createIssue" && !p.title) {
        ctx.addIssue({ code: "custom", path: ["title"], message: "is required to create an issue" });
      }
      if (p.operation === "createComment") {
        if (p.issueNumber === undefined) {
          ctx.addIssue({ code: "custom", path: ["issueNumber"], message: "is required to comment" });
        }
        if (!p.body) ctx.addIssue({ code: "custom", path: ["body"], message: "is required to comment" });
      }
    }),
  credential: { types: ["githubApi", "oauth2"], required: true },
  outputs: ["main"],
  // A repeated call creates a second issue or comment: one call per attempt, retried only by the node's policy.
  idempotent: false,
  async run(ctx) {
    const { token, baseUrl } = githubToken(ctx.credential);
    const { operation, owner, repo, title, body, labels, issueNumber } = ctx.params;
    const path =
      operation === "createIssue"
        ? `/repos/${owner}/${repo}/issues`
        : `/repos/${owner}/${repo}/issues/${issueNumber}/comments`;
    const answer = await callJsonApi({
      service: "GitHub",
      baseUrl: baseUrl ?? GITHUB_API,
      path,
      auth: { bearer: token },
      headers: {
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        // GitHub refuses requests without one.
        "user-agent": "Nodebase",
      },
      body:
        operation === "createIssue"
          ? { title, ...(body !== undefined && { body }), ...(labels && { labels }) }
          : { body },
      errorText: githubErrorText,
      rateLimited: githubRateLimited,
      fetch: ctx.fetch,
      signal: ctx.signal,
      timeoutMs: 30_000,
      maxAttempts: 1,
    });
    return { output: answer.body };
  },
});

function githubToken(credential: NodeRunContext<unknown>["credential"]): { token: string; baseUrl?: string } {
  if (credential?.type === "oauth2") {
    const { accessToken, apiBaseUrl } = readCredential(
      credential,
      oauth2Credential,
      "GitHub",
      "a connected account",
    );
    return { token: accessToken, baseUrl: apiBaseUrl };
  }
  const { token, baseUrl } = readCredential(credential, githubApiCredential, "GitHub", "a token");
  return { token, baseUrl };
}

/** GitHub's words for its validation `code`s (docs.github.com/rest "Client errors"). */
const VALIDATION_CODES: Record<string, string> = {
  missing: "does not exist",
  missing_field: "is required",
  invalid: "is invalid",
  already_exists: "already exists",
  unprocessable: "is not valid here",
};

/**
 * A 422 says only "Validation Failed" in `message`; what failed is in `errors[]` (`{ resource, field, code }`,
 * or `{ code: "custom", message }`, or a bare string): "Validation Failed: title is required".
 */
function githubErrorText(body: unknown): string | undefined {
  const answer = body as { message?: unknown; errors?: unknown } | null;
  if (!answer || !Array.isArray(answer.errors) || answer.errors.length === 0) return undefined;
  const details = answer.errors.map((e: unknown) => {
    if (typeof e === "string") return e;
    const item = (e ?? {}) as Record<string, unknown>;
    if (typeof item.message === "string") return item.message;
    const what = String(item.field ?? item.resource ?? "a field");
    const code = String(item.code ?? "invalid");
    return `${what} ${VALIDATION_CODES[code] ?? code}`;
  });
  return `${typeof answer.message === "string" ? answer.message : "Validation Failed"}: ${details.join("; ")}`;
}

/**
 * GitHub answers its rate limits with 403 (or 429): the primary one with `x-ratelimit-remaining: 0`, the
 * secondary one with `Retry-After`. Both pass with time, so the node's retry policy may try again.
 */
function githubRateLimited(status: number, headers: Headers): boolean {
  if (status !== 403 && status !== 429) return false;
  return headers.get("x-ratelimit-remaining") === "0" || headers.has("retry-after");
}
