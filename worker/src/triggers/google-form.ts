/**
 * The Google Form submission as the Apps Script in docs/webhooks.md posts it, checked and normalised into
 * the trigger's output `{ responses, respondent, submittedAt }`.
 */
import { z } from "zod";
import { ApiError } from "../http/errors";

const answer = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.any())]);

export const googleFormSubmission = z.object({
  /** Question title → answer (a string, or an array for checkboxes / grids). */
  responses: z.record(z.string(), answer),
  /** The respondent's e-mail when the form collects it, else null. */
  respondent: z.string().nullable().optional(),
  /** ISO time of the submission; the time of receipt when the script does not send it. */
  submittedAt: z.string().datetime({ offset: true }).optional(),
});

export type GoogleFormOutput = {
  responses: Record<string, unknown>;
  respondent: string | null;
  submittedAt: string;
};

export function googleFormOutput(body: unknown, receivedAt = new Date()): GoogleFormOutput {
  const parsed = googleFormSubmission.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(
      400,
      "invalid_body",
      "Expected the Google Form script's JSON: { responses: { question: answer }, respondent?, submittedAt? }",
      parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    );
  }
  return {
    responses: parsed.data.responses,
    respondent: parsed.data.respondent ?? null,
    submittedAt: parsed.data.submittedAt ?? receivedAt.toISOString(),
  };
}
