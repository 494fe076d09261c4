/**
 * Absolute links a run hands out (the failed execution's page in an error workflow's payload, resume
 * URLs). The origin is `PUBLIC_URL` when the deployment sets it (docs/deploy.md), else the origin of the
 * request that started the run (recorded on the execution), else none: the link is then a path.
 */
export function publicOrigin(env: Env, recorded: string | null | undefined): string {
  const configured = (env as Partial<Record<"PUBLIC_URL", string>>).PUBLIC_URL?.trim();
  return (configured || recorded || "").replace(/\/+$/, "");
}

/** The SPA's page of an execution. */
export function executionPageUrl(env: Env, recordedOrigin: string | null | undefined, executionId: string) {
  return `${publicOrigin(env, recordedOrigin)}/executions/${encodeURIComponent(executionId)}`;
}
