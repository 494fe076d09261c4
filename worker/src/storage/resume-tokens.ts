/** Claims of resume URLs (`resume_token_use`): one row per execution and event, so one use each. */
import { and, eq } from "drizzle-orm";
import type { Db } from "./db";
import { resumeTokenUse } from "./schema";

/** True for the first caller only. */
export async function claimResumeToken(db: Db, executionId: string, event: string): Promise<boolean> {
  const rows = await db
    .insert(resumeTokenUse)
    .values({ executionId, event })
    .onConflictDoNothing()
    .returning({ executionId: resumeTokenUse.executionId });
  return rows.length === 1;
}

/** Gives a claim back (the event could not be delivered), so the link can be used again. */
export async function releaseResumeToken(db: Db, executionId: string, event: string): Promise<void> {
  await db
    .delete(resumeTokenUse)
    .where(and(eq(resumeTokenUse.executionId, executionId), eq(resumeTokenUse.event, event)));
}
