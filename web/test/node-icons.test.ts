/** Every icon name a node type declares has its own glyph in the editor (web/src/editor/node-icons.ts). */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { iconFor } from "../src/editor/node-icons";

describe("iconFor", () => {
  it("has a glyph of its own for every icon name a node type declares", () => {
    // The registry's node types, read as plain data (web/ imports no runtime code from worker/).
    const dir = new URL("../../worker/src/nodes/", import.meta.url);
    const names = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      for (const m of readFileSync(new URL(file, dir), "utf8").matchAll(/\bicon: "([a-z-]+)"/g))
        names.add(m[1]);
    }
    expect(names.size).toBeGreaterThan(20);
    // A sentinel category and title: a name without its own glyph would fall back to "?".
    const missing = [...names].filter((name) => iconFor(name, "none", "?") === "?");
    expect(missing).toEqual([]);
  });

  it("falls back to the category's glyph, then to the title's first letter", () => {
    expect(iconFor("unknown", "ai", "Thing")).toBe("✦");
    expect(iconFor(undefined, "nope", "thing")).toBe("T");
  });
});
