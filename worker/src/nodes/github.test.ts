import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, inject, it } from "vitest";
import { fakeSession } from "../../test/fakes/fake-http";
import { runContext } from "../../test/fakes/run-context";
import { ConnectorError } from "./lib/json-api";
import { github } from "./github";

/** Against a server shaped like GitHub's REST API (worker/test/fakes/github-api.global.ts). */
const baseUrl = inject("githubApiUrl");
const token = `ghp_${crypto.randomUUID().replaceAll("-", "")}`;
const withToken = (t = token, url = baseUrl) => ({
  credential: { type: "githubApi", data: { token: t, baseUrl: url } },
});
const newRepo = () => `repo-${crypto.randomUUID().slice(0, 8)}`;
const created = async (repo: string) =>
  (await (await fetch(`${baseUrl}/__repos/acme/${repo}`)).json()) as {
    issues: Record<string, unknown>[];
    comments: Record<string, unknown>[];
  };
const run = (
  params: Record<string, unknown>,
  credential: { credential: { type: string; data: Record<string, unknown> } } = withToken(),
) => github.run(runContext(github, { owner: "acme", ...params }, credential));

describe("github node", () => {
  it("creates an issue with body and labels and outputs GitHub's issue", async () => {
    const repo = newRepo();
    const result = await run({ repo, title: "Deploy failed", body: "See **logs**", labels: ["bug", "ops"] });
    const [issue] = (await created(repo)).issues;
    expect(issue).toMatchObject({ title: "Deploy failed", body: "See **logs**" });
    expect(result.output).toEqual(issue);
    expect(result.output).toMatchObject({
      number: 1,
      html_url: `https://github.com/acme/${repo}/issues/1`,
      labels: [{ name: "bug" }, { name: "ops" }],
    });
  });

  it("comments on an issue and outputs GitHub's comment", async () => {
    const repo = newRepo();
    await run({ repo, title: "Flaky test" });
    const result = await run({ repo, operation: "createComment", issueNumber: 1, body: "Seen again" });
    expect(result.output).toMatchObject({
      body: "Seen again",
      html_url: expect.stringContaining("/issues/1#"),
    });
    expect((await created(repo)).comments).toHaveLength(1);
  });

  it("sends GitHub's headers and the token as a bearer, and takes an oauth2 credential", async () => {
    const repo = newRepo();
    const seen: Headers[] = [];
    const ctx = runContext(
      github,
      { owner: "acme", repo, title: "Via OAuth" },
      { credential: { type: "oauth2", data: { accessToken: "gho_abc123", tokenType: "Bearer" } } },
    );
    ctx.fetch = (input, init) => {
      const request = new Request(input, init);
      seen.push(request.headers);
      return fetch(request.url.replace("https://api.github.com", baseUrl), init);
    };
    await github.run(ctx);
    expect(seen[0].get("authorization")).toBe("Bearer gho_abc123");
    expect(seen[0].get("accept")).toBe("application/vnd.github+json");
    expect(seen[0].get("x-github-api-version")).toBe("2022-11-28");
    expect(seen[0].get("user-agent")).toBe("Nodebase");
    expect((await created(repo)).issues).toHaveLength(1);
  });

  it("an oauth2 credential's apiBaseUrl (GitHub Enterprise) is where it calls", async () => {
    const repo = newRepo();
    await run(
      { repo, title: "On GHE" },
      { credential: { type: "oauth2", data: { accessToken: "gho_ghe1", apiBaseUrl: baseUrl } } },
    );
    expect((await created(repo)).issues).toHaveLength(1);
  });

  it("fails at once with GitHub's message: bad token, unknown repository, unknown issue", async () => {
    const revoked = `ghp_revoked${crypto.randomUUID()}`;
    for (const [params, credential, message] of [
      [{ repo: newRepo(), title: "t" }, withToken(revoked), "GitHub answered 401: Bad credentials"],
      [{ repo: "missing", title: "t" }, withToken(), "GitHub answered 404: Not Found"],
      [
        { repo: newRepo(), operation: "createComment", issueNumber: 99, body: "b" },
        withToken(),
        "GitHub answered 404: Not Found",
      ],
    ] as const) {
      const failure = await run(params, credential).catch((e) => e);
      expect(failure).toBeInstanceOf(NonRetryableError);
      expect(failure.message).toBe(message);
      expect(failure.message).not.toContain(revoked);
    }
    expect(github.idempotent).toBe(false);
  });

  it("a 422 says what failed, from GitHub's errors[], and fails at once", async () => {
    const blank = await run({ repo: newRepo(), title: "   " }).catch((e) => e);
    expect(blank).toBeInstanceOf(NonRetryableError);
    expect(blank.message).toBe("GitHub answered 422: Validation Failed: title is required");
    // GitHub's other shape: a custom code carries its own message.
    const fake = await fakeSession([
      {
        status: 422,
        body: {
          message: "Validation Failed",
          errors: [
            {
              resource: "IssueComment",
              code: "custom",
              field: "body",
              message: "body is too long (maximum is 65536 characters)",
            },
            { resource: "Issue", code: "invalid", field: "assignees", value: "nobody" },
          ],
          documentation_url: "https://docs.github.com/rest",
        },
      },
    ]);
    const custom = await run({ repo: "r", title: "t" }, withToken(token, fake.baseUrl)).catch((e) => e);
    expect(custom.message).toBe(
      "GitHub answered 422: Validation Failed: body is too long (maximum is 65536 characters); assignees is invalid",
    );
  });

  it("a 403 rate limit (primary or secondary) is retryable by the node's policy, a plain 403 is not", async () => {
    for (const [repo, message] of [
      ["ratelimited", "GitHub answered 403: API rate limit exceeded for user ID 7."],
      [
        "busy",
        "GitHub answered 403: You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      ],
    ]) {
      const failure = await run({ repo, title: "t" }).catch((e) => e);
      expect(failure).toBeInstanceOf(ConnectorError);
      expect(failure).not.toBeInstanceOf(NonRetryableError);
      expect(failure.message).toBe(message);
    }
    const fake = await fakeSession([
      { status: 403, body: { message: "Resource not accessible by integration" } },
    ]);
    const forbidden = await run({ repo: "r", title: "t" }, withToken(token, fake.baseUrl)).catch((e) => e);
    expect(forbidden).toBeInstanceOf(NonRetryableError);
    expect(forbidden.message).toBe("GitHub answered 403: Resource not accessible by integration");
    expect((await fake.requests()).length).toBe(1);
  });

  it("checks its parameters: title to create, issueNumber and body to comment, repository names", () => {
    const ok = (p: Record<string, unknown>) =>
      github.parameters.safeParse({ owner: "acme", repo: "r", ...p });
    expect(ok({ title: "t" }).success).toBe(true);
    expect(ok({}).error?.issues[0]).toMatchObject({ path: ["title"] });
    expect(ok({ operation: "createComment", body: "b" }).error?.issues[0]).toMatchObject({
      path: ["issueNumber"],
    });
    expect(ok({ operation: "createComment", issueNumber: 3 }).error?.issues[0]).toMatchObject({
      path: ["body"],
    });
    expect(ok({ title: "t", repo: "a/b" }).success).toBe(false);
    expect(ok({ title: "t", owner: "../x" }).success).toBe(false);
    expect(ok({ title: "t", owner: ".." }).success).toBe(false);
  });
});
