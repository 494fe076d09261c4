/** Pinned data typed as text in "Edit pinned data". */

/** Text → the JSON value, or why it is not JSON. */
export function parsePinText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: false, message: 'Write a JSON value, e.g. { "id": 1 }' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}
