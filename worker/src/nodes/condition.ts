/**
 * How `if` and `switch` read a condition after expressions are resolved. A boolean is itself; the text
 * "true"/"false" (any case, spaces ignored) is that boolean, because a condition typed as plain text or
 * built by text interpolation arrives as a string. Anything else follows JSONata's `$boolean` rules, so
 * `{{ $json.items }}` means the same in a condition as inside an expression.
 */
export function conditionIsTrue(value: unknown): boolean {
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "true") return true;
    if (word === "false") return false;
  }
  return jsonataBoolean(value);
}

/** JSONata `$boolean`: empty string, 0, null, empty array/object and undefined are false; arrays are true if any item is. */
function jsonataBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "function") return false;
  if (Array.isArray(value)) return value.some(jsonataBoolean);
  if (typeof value === "object") return Object.keys(value).length > 0;
  return false;
}
