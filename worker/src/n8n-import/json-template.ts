/**
 * n8n's JSON templates: JSON text with `{{ JavaScript }}` holes, filled first and parsed after. Ours are
 * JSON values whose strings hold expressions, so a template becomes the parsed value with each hole put
 * back where it stood. Used by the HTTP Request bodies and Respond to Webhook's JSON answer.
 */
import { NodeNotConverted, type MapInput } from "./mapping";
import { convertTemplate, isExpressionString } from "./values";

/**
 * A JSON text with `{{ }}` holes, as n8n's JSON bodies and JSON answers are (n8n fills the holes, then
 * parses the text). Each hole is put back
 * as an expression inside the parsed object; a text that is not JSON stays text.
 */
export function jsonWithHoles(text: unknown, input: MapInput, what: string): unknown {
  if (typeof text !== "string") return input.value(text);
  if (!isExpressionString(text)) {
    try {
      return JSON.parse(text);
    } catch {
      throw new NodeNotConverted(`its ${what} is not valid JSON`);
    }
  }
  const { marked, holes } = markHoles(text.slice(1));
  let parsed: unknown;
  try {
    parsed = JSON.parse(marked);
  } catch {
    input.ctx.notes.push(
      `the ${what} is sent as text built from the template (it is not JSON until its holes are filled)`,
    );
    return input.value(text);
  }
  const restore = (v: unknown): unknown => {
    if (typeof v === "string")
      return convertTemplate(
        v.replace(/__n8n_hole_(\d+)__/g, (_m, i: string) => holes[Number(i)]),
        input.ctx,
      );
    if (Array.isArray(v)) return v.map(restore);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restore(x)]));
    return v;
  };
  return restore(parsed);
}

/** Replaces each `{{ }}` hole by a marker: bare inside a JSON string, a JSON string of its own outside. */
function markHoles(text: string): { marked: string; holes: string[] } {
  const holes: string[] = [];
  let marked = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("{{", i)) {
      const end = text.indexOf("}}", i + 2);
      if (end !== -1) {
        const marker = `__n8n_hole_${holes.push(text.slice(i, end + 2)) - 1}__`;
        marked += inString ? marker : `"${marker}"`;
        i = end + 1;
        continue;
      }
    }
    const char = text[i];
    if (inString && char === "\\") {
      marked += char + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (char === '"') inString = !inString;
    marked += char;
  }
  return { marked, holes };
}
