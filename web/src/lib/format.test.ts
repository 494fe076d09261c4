import { describe, expect, it } from "vitest";
import { formatBytes, formatSizes, jsonBytes } from "./format";

describe("record sizes on a node", () => {
  it("formats bytes as B, KB and MB (1,024 per step)", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(200_007)).toBe("195 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
  });

  it("names the sides that have a record, nothing when neither has", () => {
    expect(formatSizes({ inputBytes: 2, outputBytes: 2048 })).toBe("in 2 B · out 2.0 KB");
    expect(formatSizes({ inputBytes: null, outputBytes: 12 })).toBe("out 12 B");
    expect(formatSizes({ inputBytes: null, outputBytes: null })).toBeNull();
    expect(formatSizes(undefined)).toBeNull();
  });

  it("counts a loaded record the way the server stores it (UTF-8 JSON)", () => {
    expect(jsonBytes({ a: "é" })).toBe(new TextEncoder().encode('{"a":"é"}').byteLength);
    expect(jsonBytes({ a: "é" })).toBe(10);
    expect(jsonBytes(null)).toBeNull();
  });
});
