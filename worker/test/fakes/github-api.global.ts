/**
 * vitest globalSetup (runs in Node, outside workerd): a local server shaped like GitHub's REST API for
 * issues, so the github node is tested against the protocol (paths, headers, status codes and bodies as
 * GitHub sends them), not a script of its own requests.
 *
 *   POST /repos/<owner>/<repo>/issues                 `{ title, body?, labels? }` → 201 the issue
 *   POST /repos/<owner>/<repo>/issues/<n>/comments    `{ body }` → 201 the comment
 *   GET  /__repos/<owner>/<repo>                      what was created there, for assertions
 * Like GitHub: no `User-Agent` → 403; a token other than `ghp_…`/`gho_…`/`github_pat_…`, or `ghp_revoked…` → 401 "Bad
 * credentials"; repo `missing` → 404 "Not Found"; an empty or blank title → 422 "Validation Failed" with
 * `errors`; a comment on an issue that does not exist → 404. Rate limits as GitHub answers them: repo
 * `ratelimited` → 403 "API rate limit exceeded" with `x-ratelimit-remaining: 0`; repo `busy` → 403 "You have
 * exceeded a secondary rate limit" with `Retry-After: 60`. Tests reach it with `inject("githubApiUrl")`.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { TestProject } from "vitest/node";
import { listenOnFreePort, readAll } from "./listen";

declare module "vitest" {
  export interface ProvidedContext {
    githubApiUrl: string;
  }
}

interface Repo {
  issues: Record<string, unknown>[];
  comments: Record<string, unknown>[];
}
const DOCS = "https://docs.github.com/rest";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const repos = new Map<string, Repo>();
  let nextId = 1_000;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const base = `http://127.0.0.1:${port}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (
      status: number,
      message: string,
      extra: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ) => send(status, { message, documentation_url: DOCS, status: String(status), ...extra }, headers);

    const peek = /^\/__repos\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && peek) return send(200, repos.get(`${peek[1]}/${peek[2]}`) ?? null);

    if (!req.headers["user-agent"]) {
      return fail(
        403,
        "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
      );
    }
    const token = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!/^(gh[po]_|github_pat_)/.test(token) || token.startsWith("ghp_revoked"))
      return fail(401, "Bad credentials");

    const issues = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+)\/comments)?$/.exec(url.pathname);
    if (req.method !== "POST" || !issues) return fail(404, "Not Found");
    const [, owner, name, number] = issues;
    if (name === "missing") return fail(404, "Not Found");
    if (name === "ratelimited") {
      const reset = String(Math.floor(Date.now() / 1000) + 3600);
      return fail(
        403,
        "API rate limit exceeded for user ID 7.",
        {},
        {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": reset,
        },
      );
    }
    if (name === "busy") {
      return fail(
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        {},
        { "retry-after": "60" },
      );
    }
    const key = `${owner}/${name}`;
    const repo = repos.get(key) ?? { issues: [], comments: [] };
    repos.set(key, repo);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readAll(req));
    } catch {
      return fail(400, "Problems parsing JSON");
    }
    const repoUrl = `${base}/repos/${key}`;
    const user = { login: "nodebase-bot", id: 7, type: "User" };
    const now = new Date().toISOString();

    if (number === undefined) {
      if (typeof body.title !== "string" || body.title.trim() === "") {
        return fail(422, "Validation Failed", {
          errors: [{ resource: "Issue", code: "missing_field", field: "title" }],
        });
      }
      const n = repo.issues.length + 1;
      const issue = {
        id: nextId++,
        number: n,
        url: `${repoUrl}/issues/${n}`,
        html_url: `https://github.com/${key}/issues/${n}`,
        title: body.title,
        body: typeof body.body === "string" ? body.body : null,
        state: "open",
        labels: (Array.isArray(body.labels) ? body.labels : []).map((l, i) => ({
          id: i + 1,
          name: String(l),
        })),
        user,
        comments: 0,
        created_at: now,
        updated_at: now,
      };
      repo.issues.push(issue);
      return send(201, issue);
    }
    const issue = repo.issues.find((i) => i.number === Number(number));
    if (!issue) return fail(404, "Not Found");
    if (typeof body.body !== "string" || body.body === "") {
      return fail(422, "Validation Failed", {
        errors: [{ resource: "IssueComment", code: "missing_field", field: "body" }],
      });
    }
    const id = nextId++;
    const comment = {
      id,
      url: `${repoUrl}/issues/comments/${id}`,
      html_url: `https://github.com/${key}/issues/${number}#issuecomment-${id}`,
      issue_url: `${repoUrl}/issues/${number}`,
      body: body.body,
      user,
      created_at: now,
      updated_at: now,
    };
    repo.comments.push(comment);
    (issue as { comments: number }).comments++;
    return send(201, comment);
  });

  const port = await listenOnFreePort(server);
  project.provide("githubApiUrl", `http://127.0.0.1:${port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
