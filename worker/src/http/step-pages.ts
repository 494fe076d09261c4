/**
 * `GET /executions/:id` answers with its steps in pages bounded by count and by bytes, so one answer (and
 * the Worker's memory while it builds it) stays a few megabytes even for a run that stored a hundred:
 * a page holds up to `limit` steps, and stops before the step that would take it past `STEPS_PAGE_BYTES`
 * of recorded payload (a page always holds at least one step). `stepsNextCursor` continues the list.
 */
import type { Db } from "../storage/db";
import { listStepPage, listStepSizes, type StepRow } from "../storage/executions";
import { ApiError } from "./errors";

export const STEPS_PAGE_BYTES = 4 * 1024 * 1024;
export const MAX_STEPS_PAGE = 500;

/** Where the page that starts at `offset` ends (exclusive), given every step's size in list order. */
export function stepPageEnd(
  sizes: readonly number[],
  offset: number,
  limit: number,
  maxBytes = STEPS_PAGE_BYTES,
) {
  let end = offset;
  let bytes = 0;
  while (end < sizes.length && end - offset < limit) {
    if (end > offset && bytes + sizes[end] > maxBytes) break;
    bytes += sizes[end];
    end++;
  }
  return end;
}

/** The cursor is the position of the next step (opaque to clients: `s<n>`, base64url). */
export function encodeStepsCursor(offset: number): string {
  return btoa(`s${offset}`).replace(/=+$/, "");
}

export function decodeStepsCursor(text: string | undefined): number {
  if (text === undefined) return 0;
  let decoded = "";
  try {
    decoded = atob(text);
  } catch {
    // not one of ours
  }
  const match = /^s(\d{1,9})$/.exec(decoded);
  if (!match) throw new ApiError(400, "invalid_cursor", "stepsCursor is not one this API issued");
  return Number(match[1]);
}

/** One page of an execution's steps: sizes first (no payload is read), then only the page's rows. */
export async function readStepPage(
  db: Db,
  executionId: string,
  cursor: string | undefined,
  limit = MAX_STEPS_PAGE,
): Promise<{ steps: StepRow[]; stepsNextCursor: string | null }> {
  const offset = decodeStepsCursor(cursor);
  const sizes = await listStepSizes(db, executionId);
  const end = stepPageEnd(sizes, offset, limit);
  const steps = end > offset ? await listStepPage(db, executionId, offset, end - offset) : [];
  return { steps, stepsNextCursor: end < sizes.length ? encodeStepsCursor(end) : null };
}
