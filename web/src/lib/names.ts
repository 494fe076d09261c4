/**
 * One rule for names a person types (workflows, nodes, credentials), matching the server's: trimmed,
 * not empty, at most 200 characters. Inputs show the problem instead of silently cutting or ignoring text.
 */
export const MAX_NAME_LENGTH = 200;

export function nameProblem(name: string, what = "Name"): string | null {
  const trimmed = name.trim();
  if (!trimmed) return `${what} cannot be empty or only spaces`;
  if (trimmed.length > MAX_NAME_LENGTH) {
    return `${what} is ${trimmed.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`;
  }
  return null;
}
