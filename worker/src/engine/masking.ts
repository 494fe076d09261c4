/**
 * Keeps a node's credential values out of everything its attempt records, returns or throws: the output
 * (a step result persisted by Workflows and a D1 row) and the error text.
 */
import { maskSecrets } from "../credentials/for-step";
import { boundJson } from "./bounded-json";

/** The output as it may be recorded and handed on: secrets masked, then bounded plain JSON. */
export function maskedOutput(output: unknown, secretValues: readonly string[]): unknown {
  return boundJson(maskSecrets(output, secretValues));
}

/** Rewrites an error's message (and stack) without the secrets, keeping its class (e.g. NonRetryableError). */
export function maskErrorInPlace(err: unknown, secretValues: readonly string[]) {
  if (secretValues.length === 0 || !(err instanceof Error)) return;
  err.message = maskSecrets(err.message, secretValues);
  if (err.stack) err.stack = maskSecrets(err.stack, secretValues);
}
